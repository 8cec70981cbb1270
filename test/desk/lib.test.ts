import { describe, expect, it } from 'vitest';
import type { Appearance, AttributionBoard, Claim, TimelineEntry } from '../../src/desk/app/api/types.js';
import { boardGrid } from '../../src/desk/app/lib/board.js';
import {
  codePointLength,
  segment,
  sliceCodePoints,
  utf16Offsets,
} from '../../src/desk/app/lib/codepoints.js';
import { href, parseRoute } from '../../src/desk/app/lib/router.js';
import { groupTimeline, layoutTimeline } from '../../src/desk/app/lib/timeline.js';

// The desk's pure logic, on plain data: code-point offsets, the board grid, the timeline's grouping and
// layout, and its routes.

describe('code points', () => {
  const text = 'a😀b𝐓c'; // 😀 and 𝐓 are outside the BMP: two UTF-16 units each

  it('counts code points, not UTF-16 units', () => {
    expect(text.length).toBe(7);
    expect(codePointLength(text)).toBe(5);
    expect(codePointLength('')).toBe(0);
  });

  it('maps code-point offsets to UTF-16 indices, in any order, clamped to the text', () => {
    expect(utf16Offsets(text, [0, 1, 2, 3, 4, 5])).toEqual([0, 1, 3, 4, 6, 7]);
    expect(utf16Offsets(text, [4, 0, 2])).toEqual([6, 0, 3]);
    expect(utf16Offsets(text, [-1, 99])).toEqual([0, 7]);
  });

  it('slices by code points where String#slice would cut a character in half', () => {
    expect(sliceCodePoints(text, 1, 4)).toBe('😀b𝐓');
    expect(text.slice(1, 4)).not.toBe('😀b𝐓');
  });

  it('cuts a text at every range boundary; a lone range is exactly one segment', () => {
    const parts = segment(text, [{ start: 1, end: 4, tag: 'quote' }]);
    expect(parts.map((p) => [p.text, p.tags])).toEqual([
      ['a', []],
      ['😀b𝐓', ['quote']],
      ['c', []],
    ]);
    expect(parts.map((p) => [p.start, p.end])).toEqual([
      [0, 1],
      [1, 4],
      [4, 5],
    ]);
  });

  it('splits overlapping and nested ranges so each segment knows every range covering it', () => {
    const parts = segment('0123456789', [
      { start: 2, end: 8, tag: 'quote' },
      { start: 0, end: 3, tag: 'speaker' },
      { start: 5, end: 6, tag: 'cue' },
    ]);
    expect(parts.map((p) => [p.text, p.tags])).toEqual([
      ['01', ['speaker']],
      ['2', ['quote', 'speaker']],
      ['34', ['quote']],
      ['5', ['quote', 'cue']],
      ['67', ['quote']],
      ['89', []],
    ]);
  });

  it('ignores empty ranges and clamps ranges beyond the text', () => {
    expect(segment('abc', [{ start: 1, end: 1, tag: 'x' }]).map((p) => p.text)).toEqual(['abc']);
    expect(segment('abc', [{ start: 2, end: 10, tag: 'x' }]).map((p) => [p.text, p.tags])).toEqual([
      ['ab', []],
      ['c', ['x']],
    ]);
    expect(segment('', [])).toEqual([{ text: '', start: 0, end: 0, tags: [] }]);
  });
});

const actor = (id: number, name: string) => ({ id, name, kind: 'state' as const });
const position = (p: string, count: number, origins: number, interested = 0) =>
  ({
    position: p,
    count,
    retracted: 0,
    independentOrigins: origins,
    origins: [],
    entries: Array.from({ length: count }, (_, i) => ({ attributionId: i, interestedParty: i < interested })),
    moreEntries: 0,
  }) as unknown as AttributionBoard['actors'][number]['positions'][number];

describe('board grid', () => {
  it('puts actors down the side and every position across, counts and origins in each cell', () => {
    const board = {
      actors: [
        {
          actor: actor(2, 'Israel'),
          count: 4,
          independentOrigins: 3,
          positions: [position('asserts', 3, 2), position('declines_to_comment', 1, 1, 1)],
        },
        { actor: actor(3, 'Russia'), count: 1, independentOrigins: 1, positions: [position('denies', 1, 1)] },
      ],
    } as unknown as AttributionBoard;
    const grid = boardGrid(board);
    expect(grid.positions).toEqual(['asserts', 'declines_to_comment', 'denies']);
    expect(grid.rows.map((r) => [r.actor?.name, r.count, r.independentOrigins])).toEqual([
      ['Israel', 4, 3],
      ['Russia', 1, 1],
    ]);
    const israel = grid.rows[0]?.cells;
    expect(israel?.get('asserts')).toMatchObject({ count: 3, independentOrigins: 2, collapsed: true });
    expect(israel?.get('declines_to_comment')?.interested).toHaveLength(1);
    expect(israel?.get('denies')).toMatchObject({ count: 0, independentOrigins: 0, collapsed: false });
  });

  it('gives attributions that hold no one responsible a row of their own, last', () => {
    const board = {
      actors: [
        { actor: null, count: 2, independentOrigins: 1, positions: [position('no_attribution', 2, 1)] },
        {
          actor: actor(2, 'Israel'),
          count: 1,
          independentOrigins: 1,
          positions: [position('asserts', 1, 1)],
        },
      ],
    } as unknown as AttributionBoard;
    const grid = boardGrid(board);
    expect(grid.rows.map((r) => r.key)).toEqual(['actor:2', 'no-one']);
    expect(grid.positions).toEqual(['no_attribution', 'asserts']);
    expect(grid.rows[1]?.cells.get('no_attribution')).toMatchObject({ count: 2, independentOrigins: 1 });
  });
});

const claimOf = (id: number, overrides: Partial<Claim>): Claim =>
  ({
    id,
    text: `claim ${id}`,
    stance: 'asserts',
    claimant: actor(9, 'Ministry'),
    source: { id, title: `source ${id}`, url: null, publishedAt: null },
    quote: { exact: 'x', prefix: '', suffix: '', start: 0, end: 1, verified: true },
    ...overrides,
  }) as Claim;
const entryOf = (at: string | null, claim: Claim, alsoAppearedIn: Appearance[] = []): TimelineEntry =>
  ({
    at,
    precision: at ? 'day' : null,
    basis: at ? 'publishedAt' : null,
    claim,
    claimantReliability: null,
    alsoAppearedIn,
  }) as TimelineEntry;
const appearance = (claimId: number, at: string, via: Appearance['via']): Appearance => ({
  claimId,
  at,
  precision: 'day',
  source: { id: claimId, title: `source ${claimId}`, url: null, publishedAt: at },
  via,
});

describe('timeline', () => {
  it('takes the server’s grouping: one mark per entry, counting it and where else it appeared', () => {
    const quote = (exact: string) => ({
      exact,
      prefix: '',
      suffix: '',
      start: 0,
      end: exact.length,
      verified: true,
    });
    const entries = [
      entryOf('2023-01-29T00:00:00Z', claimOf(1, { quote: quote('Minor damage to the roof') }), [
        appearance(2, '2023-01-30T00:00:00Z', 'copy'),
        appearance(6, '2023-01-31T00:00:00Z', 'repeats'),
      ]),
      // The same speaker in the same words, which the server did not group (two origins): two marks.
      entryOf('2023-01-29T00:00:00Z', claimOf(3, { quote: quote('Minor damage to the roof') })),
      entryOf(
        '2023-01-29T00:00:00Z',
        claimOf(4, { claimant: null, quote: quote('Minor damage to the roof') }),
      ),
      entryOf(null, claimOf(5, { claimant: actor(7, 'Channels'), stance: 'denies' })),
    ];
    const { groups, rows } = groupTimeline(entries);
    expect(groups.map((g) => [g.claim.id, g.count, g.appearances.map((a) => a.claimId)])).toEqual([
      [1, 3, [2, 6]],
      [3, 1, []],
      [4, 1, []],
      [5, 1, []],
    ]);
    expect(groups[0]).toMatchObject({ at: '2023-01-29T00:00:00Z', time: Date.parse('2023-01-29T00:00:00Z') });
    expect(groups[3]).toMatchObject({ at: null, time: null, stance: 'denies', rowKey: 'actor:7' });
    expect(rows.map((r) => [r.key, r.label, r.ownVoice])).toEqual([
      ['actor:9', 'Ministry', false],
      ['own:4', 'Own voice: source 4', true],
      ['actor:7', 'Channels', false],
    ]);
  });

  it('lays marks out by day when times are known to the day: in the middle of their day, apart', () => {
    const quote = (exact: string) => ({ exact }) as Claim['quote'];
    const entries = [
      entryOf('2023-01-29T00:00:00Z', claimOf(1, { quote: quote('a') })),
      entryOf('2023-01-29T00:00:00Z', claimOf(2, { quote: quote('b') })),
      entryOf('2023-02-02T00:00:00Z', claimOf(3, { quote: quote('c') })),
      entryOf(null, claimOf(4, { claimant: actor(7, 'Channels') })),
    ];
    const { groups, rows } = groupTimeline(entries);
    const chart = layoutTimeline(groups, rows);
    const x = Object.fromEntries(chart.marks.map((m) => [m.group.claim.id, m.x]));
    const y = Object.fromEntries(chart.marks.map((m) => [m.group.claim.id, m.y]));
    expect(chart.domain).toEqual([Date.parse('2023-01-29T00:00:00Z'), Date.parse('2023-02-03T00:00:00Z')]);
    expect(chart.labelUnit).toBe('day');
    expect(chart.ticks).toHaveLength(6);
    expect(chart.labels.map((l) => new Date(l.time).toISOString().slice(0, 10))).toEqual([
      '2023-01-29',
      '2023-01-30',
      '2023-01-31',
      '2023-02-01',
      '2023-02-02',
    ]);
    // The two statements of 29 January stand apart, either side of the middle of that day.
    const middle = chart.labels[0]?.x as number;
    expect((x[1] as number) + (x[2] as number)).toBeCloseTo(2 * middle);
    expect((x[2] as number) - (x[1] as number)).toBe(14);
    expect(x[3]).toBeCloseTo(chart.labels[4]?.x as number);
    expect(x[4]).toBe(chart.undatedX);
    expect(y[1]).toBe(y[3]);
    expect(y[4]).toBeGreaterThan(y[1] as number);
  });

  it('keeps moments on a time axis when times are more precise than a day', () => {
    const at = (iso: string, id: number) =>
      ({
        ...entryOf(iso, claimOf(id, { quote: { exact: String(id) } as Claim['quote'] })),
        precision: 'minute',
      }) as TimelineEntry;
    const { groups, rows } = groupTimeline([at('2023-01-28T20:00:00Z', 1), at('2023-01-28T23:00:00Z', 2)]);
    const chart = layoutTimeline(groups, rows);
    expect(chart.labelUnit).toBe('moment');
    expect(chart.domain).toEqual([Date.parse('2023-01-28T20:00:00Z'), Date.parse('2023-01-28T23:00:00Z')]);
    expect(chart.marks.map((m) => m.x)).toEqual([chart.plotLeft, chart.plotRight]);
    expect(chart.ticks).toHaveLength(5);
  });
});

describe('routes', () => {
  it('reads every page from the fragment and writes it back', () => {
    const cases = [
      ['#/events?q=isfahan', { name: 'events', q: 'isfahan' }],
      ['#/events/8?rollUp=true', { name: 'event', eventId: 8, rollUp: true, foldToTopLevel: false }],
      ['#/claims/11', { name: 'claim', claimId: 11 }],
      ['#/sources/2', { name: 'source', sourceId: 2 }],
      ['#/intake/2?candidate=5', { name: 'intake', sourceId: 2, candidateId: 5 }],
      ['#/search?q=drone&kind=quote', { name: 'search', q: 'drone', kind: 'quote' }],
    ] as const;
    for (const [hash, route] of cases) {
      expect(parseRoute(hash)).toEqual(route);
      expect(href(route)).toBe(hash);
    }
    expect(parseRoute('')).toEqual({ name: 'events', q: '' });
    expect(parseRoute('#/claims/0')).toEqual({ name: 'not-found', path: '/claims/0' });
    expect(parseRoute('#/claims/abc')).toEqual({ name: 'not-found', path: '/claims/abc' });
  });
});
