import { describe, expect, it } from 'vitest';
import {
  type ExtractedCandidate,
  extractCandidates,
  type KnownActor,
  MIN_CONFIDENCE,
} from '../../src/domain/extraction/index.js';
import { verifyQuote } from '../../src/domain/quote-anchor.js';

const ACTORS: KnownActor[] = [
  { id: 1, name: 'Iran', kind: 'state', aliases: [], parentId: null },
  { id: 2, name: 'Israel', kind: 'state', aliases: [], parentId: null },
  { id: 3, name: 'Iranian Ministry of Defence', kind: 'government_body', aliases: [], parentId: 1 },
  { id: 6, name: 'Hossein Amir-Abdollahian', kind: 'person', aliases: [], parentId: 1 },
  { id: 7, name: 'The Wall Street Journal', kind: 'media_outlet', aliases: ['WSJ'], parentId: null },
  { id: 8, name: 'US officials', kind: 'group', aliases: ['U.S. officials'], parentId: null },
  { id: 9, name: 'Antony Blinken', kind: 'person', aliases: [], parentId: null },
];

const run = (text: string, title?: string) => extractCandidates(text, ACTORS, { title: title ?? null });
const proposed = (found: ExtractedCandidate[]) => found.filter((c) => c.confidence >= MIN_CONFIDENCE);
const quoting = (found: ExtractedCandidate[], words: string) => {
  const c = found.find((x) => x.quote.exact.includes(words));
  if (!c)
    throw new Error(`no candidate quotes "${words}": ${JSON.stringify(found.map((x) => x.quote.exact))}`);
  return c;
};

describe('extraction: what the story is about', () => {
  const title = 'Drone attack hits Iranian defence factory';
  const text = [
    'Drones struck a defence factory in Isfahan overnight, the Iranian Defense Ministry said.',
    'The attack on the factory was carried out by Israel.',
    '“Not a good week for the apartheid regime [Israel],” Hossein Amir-Abdollahian tweeted.',
    'On domestic politics, Antony Blinken said the coalition relies on nationalist figures.',
    '“We are proud of the positions of the Islamic Republic,” Hossein Amir-Abdollahian said.',
  ].join('\n\n');

  it('keeps a statement that names the party held responsible, though it shares no word with the title', () => {
    const found = run(text, title);
    const tweet = quoting(found, 'Not a good week');
    expect(tweet.signals).toMatchObject({ suspect: true, incident: false, otherTime: false });
    expect(tweet.confidence).toBeGreaterThanOrEqual(MIN_CONFIDENCE);
    const lede = quoting(found, 'Drones struck a defence factory');
    expect(lede.signals).toMatchObject({ incident: true, speaker: 1 });
    expect(lede.signals.subject).toBeGreaterThan(0.5);
    expect(proposed(found).map((c) => c.quote.exact)).toEqual([
      'Drones struck a defence factory in Isfahan overnight',
      'Not a good week for the apartheid regime [Israel]',
    ]);
  });

  it('keeps, but does not propose, a remark on another matter by the same speaker', () => {
    const found = run(text, title);
    const proud = quoting(found, 'We are proud');
    expect(proud.speaker.actor?.id).toBe(6);
    expect(proud.signals).toMatchObject({
      speaker: 1,
      incident: false,
      responsibility: false,
      suspect: false,
      subject: 0,
    });
    expect(proud.confidence).toBeLessThan(MIN_CONFIDENCE);
  });

  it('a paragraph that opens on a topic of its own ("On domestic politics, ...") turns away from the story', () => {
    const found = run(text, title);
    expect(quoting(found, 'the coalition relies').signals.otherTime).toBe(true);
    const dated = run('On Saturday, the Iranian Defense Ministry said two drones were shot down.');
    expect(dated[0]?.signals.otherTime).toBe(false);
    expect(dated[0]?.confidence).toBeGreaterThanOrEqual(MIN_CONFIDENCE);
  });

  it('the title says what the document is about: its words count for the statements that use them', () => {
    const text = [
      'Protesters marched in Tehran for a fourth week on Friday, chanting against the clerics.',
      'Police arrested dozens of people near the university campus in the evening.',
      'The Iranian Defense Ministry said the Isfahan workshop assembled ammunition for the army.',
    ].join('\n\n');
    const about = run(text, 'Isfahan workshop assembled ammunition for the army, ministry says');
    const other = run(text, 'A fourth week of protests');
    expect(about[0]?.signals.subject).toBe(1);
    expect(other[0]?.signals.subject).toBe(0);
    expect(about[0]?.confidence).toBeGreaterThanOrEqual(MIN_CONFIDENCE);
    expect(other[0]?.confidence).toBeLessThan(MIN_CONFIDENCE);
  });

  it('background goes on into the next paragraph when that opens on a name the background brought in', () => {
    const found = run(
      [
        'Drones struck a factory in Isfahan, the Iranian Defense Ministry said.',
        'The ministry said the attack caused only minor damage to the roof of a workshop.',
        'Last year, Iran said an engineer was killed at the Parchin base east of the capital.',
        'Parchin is home to a base where the agency has said it suspected tests of explosive triggers.',
        'Iran said the drones were shot down.',
      ].join('\n\n'),
    );
    expect(quoting(found, 'it suspected tests').signals.otherTime).toBe(true);
    expect(quoting(found, 'the drones were shot down').signals.otherTime).toBe(false);
  });

  it('the party held responsible declining to comment is the heart of the story; a country speaks less surely', () => {
    const found = run(
      [
        'Israel was behind the strike on the factory, U.S. officials told the Wall Street Journal.',
        'Israel did not comment.',
        'Iran said it would respond.',
      ].join('\n\n'),
    );
    const silent = quoting(found, 'Israel did not comment');
    expect(silent.signals).toMatchObject({ suspect: true, responsibility: true, speaker: 0.8 });
    expect(silent.confidence).toBeGreaterThanOrEqual(MIN_CONFIDENCE);
    expect(quoting(found, 'it would respond').signals.speaker).toBe(0.8);
  });

  it('a speaker no name pins down ("reports") weighs less than a named one', () => {
    const [vague] = run('Reports suggest the strike was meant to serve the interests of Israel.');
    const [named] = run(
      'Hossein Amir-Abdollahian said the strike was meant to serve the interests of Israel.',
    );
    expect(vague?.signals.speaker).toBe(0.4);
    expect(named?.signals.speaker).toBe(1);
    expect(vague?.confidence).toBeLessThan(MIN_CONFIDENCE);
    expect(named?.confidence).toBeGreaterThanOrEqual(MIN_CONFIDENCE);
  });
});

describe('extraction: one candidate per statement', () => {
  it('a headline restated by the lede is one candidate: the fuller one, with what the other carried', () => {
    const found = run(
      [
        'Israel behind drone strike on Iran factory, U.S. officials say',
        'Israel was behind an overnight drone strike on a factory in Isfahan, U.S. officials told the Wall Street Journal.',
      ].join('\n\n'),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      quote: { exact: 'Israel was behind an overnight drone strike on a factory in Isfahan' },
      speaker: { actor: { id: 8 } },
      attributions: [{ actor: { id: 2, name: 'Israel' }, position: 'asserts' }],
    });
    expect(found[0]?.reportedVia.map((r) => r.actor?.id)).toEqual([7]);
  });

  it('a refusal reported and then quoted is one candidate: the quote, holding what the report held', () => {
    const found = run(
      'Antony Blinken refused to confirm whether Israel was behind the attack. “I never talk about specific operations,” he said.',
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      quote: { exact: 'I never talk about specific operations' },
      stance: 'declines_to_comment',
      modality: 'direct_quote',
      speaker: { actor: { id: 9 } },
    });
    expect(found[0]?.attributions).toContainEqual(
      expect.objectContaining({ actor: { id: 2, name: 'Israel' }, position: 'declines_to_comment' }),
    );
  });

  it('a quote that goes on after "and added" is one span; a second "said" is a second statement', () => {
    const text =
      'Antony Blinken told CNN: “The talks were useful,” and added: “We will meet again.”\n\nHe said the talks were useful.';
    const found = run(text);
    expect(found.map((c) => c.quote.exact)).toEqual([
      'The talks were useful,” and added: “We will meet again.',
      'the talks were useful',
    ]);
    expect(verifyQuote(text, found[0]?.quote as ExtractedCandidate['quote'])).toBe(true);
    expect(found[0]?.text).toBe('The talks were useful, and added: We will meet again.');
  });

  it('two statements of one speaker that say different things stay two', () => {
    const found = run(
      'Hossein Amir-Abdollahian said the attack failed.\n\nHe said Iran would respond to any aggression by Israel.',
    );
    expect(found.map((c) => c.quote.exact)).toEqual([
      'the attack failed',
      'Iran would respond to any aggression by Israel',
    ]);
  });
});
