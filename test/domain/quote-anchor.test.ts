import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type AnchorResult,
  anchorQuote,
  codePointLength,
  QUOTE_CONTEXT_LENGTH,
  type QuoteSelector,
  sliceCodePoints,
  verifyQuote,
} from '../../src/domain/quote-anchor.js';

const doc = readFileSync(new URL('../../seeds/documents/001_a9c9e53a6dfab632.txt', import.meta.url), 'utf8');
const SENTENCE = 'Israel has carried out a drone strike targeting a defence compound in Iran';

function selectorOf(result: AnchorResult): QuoteSelector {
  if (!result.ok) throw new Error(`expected a match, got ${JSON.stringify(result)}`);
  return result.selector;
}

/** The invariants every returned selector must satisfy against its text. */
function expectConsistent(text: string, sel: QuoteSelector): void {
  expect(sliceCodePoints(text, sel.start, sel.end)).toBe(sel.exact);
  expect(sliceCodePoints(text, Math.max(0, sel.start - codePointLength(sel.prefix)), sel.start)).toBe(
    sel.prefix,
  );
  expect(sliceCodePoints(text, sel.end, sel.end + codePointLength(sel.suffix))).toBe(sel.suffix);
  expect(codePointLength(sel.prefix)).toBe(Math.min(QUOTE_CONTEXT_LENGTH, sel.start));
  expect(codePointLength(sel.suffix)).toBe(Math.min(QUOTE_CONTEXT_LENGTH, codePointLength(text) - sel.end));
  expect(sel.exact).toBe(sel.exact.trim());
  expect(verifyQuote(text, sel)).toBe(true);
}

describe('codePointLength / sliceCodePoints', () => {
  it('count and slice by code points, not UTF-16 units', () => {
    const s = 'a🚀b😀c';
    expect(s.length).toBe(7);
    expect(codePointLength(s)).toBe(5);
    expect(codePointLength('')).toBe(0);
    expect(sliceCodePoints(s, 1, 2)).toBe('🚀');
    expect(sliceCodePoints(s, 2)).toBe('b😀c');
    expect(sliceCodePoints(s, 1, 4)).toBe('🚀b😀');
    expect(sliceCodePoints(s, -2)).toBe('😀c');
    expect(sliceCodePoints(s, 0, -1)).toBe('a🚀b😀');
    expect(sliceCodePoints(s, 3, 1)).toBe('');
    expect(sliceCodePoints(s, 2, 99)).toBe('b😀c');
  });
});

describe('anchorQuote', () => {
  it('anchors an exact ASCII quote with verbatim, bounded context', () => {
    const text =
      'The committee met on Tuesday morning in the old town hall. The mayor said the budget would be ' +
      'balanced by spring, and nobody in the room believed her for a second.';
    const sel = selectorOf(anchorQuote(text, { exact: 'the budget would be balanced by spring' }));
    const start = text.indexOf('the budget');
    expect(sel).toEqual({
      exact: 'the budget would be balanced by spring',
      prefix: text.slice(start - 32, start),
      suffix: text.slice(start + sel.exact.length, start + sel.exact.length + 32),
      start,
      end: start + 'the budget would be balanced by spring'.length,
    });
    expect(sel.prefix).toBe('e old town hall. The mayor said ');
    expect(sel.suffix).toBe(', and nobody in the room believe');
    expectConsistent(text, sel);
  });

  it('ignores surrounding whitespace of the pasted quote but does not fold case', () => {
    const text = 'Officials said the drones were shot down.';
    const sel = selectorOf(anchorQuote(text, { exact: '  \n the drones were shot down\t ' }));
    expect(sel.exact).toBe('the drones were shot down');
    expect(anchorQuote(text, { exact: 'The drones were shot down' })).toEqual({
      ok: false,
      reason: 'not_found',
    });
  });

  it('matches NBSPs and curly quotes in the source with a plain pasted quote, returning the source span', () => {
    const pasted =
      '"Such actions cannot impact the determination and intent of our experts for peaceful nuclear progress," he told';
    const sel = selectorOf(anchorQuote(doc, { exact: pasted }));
    expect(sel.exact).toBe(
      '\u201cSuch actions cannot impact the determination and intent of our experts for peaceful nuclear progress,\u201d he told',
    );
    expectConsistent(doc, sel);

    const apostrophe = selectorOf(anchorQuote(doc, { exact: "the country's air defences had fended off" }));
    expect(apostrophe.exact).toBe('the country\u2019s air defences had fended off');
    expectConsistent(doc, apostrophe);

    const nbsp = selectorOf(anchorQuote(doc, { exact: 'above the warehouse, causing minor damage' }));
    expect(nbsp.exact).toBe('above the warehouse,\u00a0causing minor damage');

    // A run of NBSP + space folds to a single space.
    const run = selectorOf(anchorQuote('one\u00a0 \u00a0two', { exact: 'one two' }));
    expect(run.exact).toBe('one\u00a0 \u00a0two');
    expectConsistent(doc, nbsp);

    const synthetic = 'He said\u00a0\u201cIt\u2019s\u2009over\u201d and left.';
    const s2 = selectorOf(anchorQuote(synthetic, { exact: '"It\'s over"' }));
    expect(s2.exact).toBe('\u201cIt\u2019s\u2009over\u201d');
    expect(s2.prefix).toBe('He said\u00a0');
    expect(s2.suffix).toBe(' and left.');
    expectConsistent(synthetic, s2);
  });

  it('matches hard line breaks (\\n and \\r\\n) inside the span with a one-line paste', () => {
    const sel = selectorOf(anchorQuote(doc, { exact: 'send Ukraine military aid Israel has carried out' }));
    expect(sel.exact).toBe('send Ukraine military aid\n\nIsrael has carried out');
    expectConsistent(doc, sel);

    // One and two line breaks fold alike, so this paste hits the second and third copies; the hint picks one.
    const joined = 'Benjamin Netanyahu Israel has carried out a drone strike';
    expect(anchorQuote(doc, { exact: joined })).toMatchObject({ reason: 'ambiguous', matches: 2 });
    const single = selectorOf(anchorQuote(doc, { exact: joined, start: 0 }));
    expect(single.exact).toBe('Benjamin Netanyahu\nIsrael has carried out a drone strike');
    expectConsistent(doc, single);

    const crlf = 'Line one ends here\r\nand line two\r\n\r\ncontinues after a blank line.';
    const s2 = selectorOf(anchorQuote(crlf, { exact: 'ends here and line two continues after' }));
    expect(s2.exact).toBe('ends here\r\nand line two\r\n\r\ncontinues after');
    expectConsistent(crlf, s2);
  });

  it('matches an en dash in the source with a pasted hyphen, and the reverse', () => {
    const sel = selectorOf(anchorQuote(doc, { exact: 'refuel jet planes - both of which' }));
    expect(sel.exact).toBe('refuel jet planes \u2013 both of which');
    expectConsistent(doc, sel);

    const reverse = selectorOf(
      anchorQuote(doc, { exact: 'their largest\u2013ever joint military exercise' }),
    );
    expect(reverse.exact).toBe('their\u00a0largest-ever joint military exercise');
    expectConsistent(doc, reverse);

    const minus = selectorOf(anchorQuote('temperatures of \u221240 degrees', { exact: '-40 degrees' }));
    expect(minus.exact).toBe('\u221240 degrees');
  });

  it('folds the ellipsis and skips invisible characters on both sides', () => {
    const text = 'And then\u2026 the co\u00adoperation ended\u200b.';
    const sel = selectorOf(anchorQuote(text, { exact: 'then... the cooperation ended.' }));
    expect(sel.exact).toBe('then\u2026 the co\u00adoperation ended\u200b.');
    expectConsistent(text, sel);

    const dots = 'Wait... what?';
    expect(selectorOf(anchorQuote(dots, { exact: 'Wait\u2026 wh\u200bat' })).exact).toBe('Wait... what');
  });

  it('maps positions back correctly after many expanding ellipses', () => {
    const text = `${'\u2026'.repeat(40)} the end \u2026`;
    const sel = selectorOf(anchorQuote(text, { exact: 'the end ...' }));
    expect(sel).toMatchObject({ exact: 'the end \u2026', start: 41, end: 50, suffix: '' });
    expectConsistent(text, sel);
    // Overlapping hits inside one ellipsis are the same source span, hence one occurrence.
    expect(selectorOf(anchorQuote('wait\u2026', { exact: '..' })).exact).toBe('\u2026');
  });

  it('does not include invisible or whitespace characters at the edges of the span', () => {
    const text = 'x \u200bquoted words\u00ad y';
    const sel = selectorOf(anchorQuote(text, { exact: 'quoted words' }));
    expect(sel.exact).toBe('quoted words');
    expect(sel.start).toBe(3);
    expect(sel.prefix).toBe('x \u200b');
    expect(sel.suffix).toBe('\u00ad y');
  });

  describe('a passage repeated three times', () => {
    const starts = [...doc.matchAll(/Israel has carried out a drone strike/g)].map((m) =>
      codePointLength(doc.slice(0, m.index)),
    );

    it('is ambiguous, counting the NBSP copy too', () => {
      expect(starts).toHaveLength(3);
      expect(doc.split(SENTENCE)).toHaveLength(3); // verbatim only twice: the third copy has an NBSP
      const result = anchorQuote(doc, { exact: SENTENCE });
      expect(result.ok).toBe(false);
      if (result.ok || result.reason !== 'ambiguous') throw new Error(JSON.stringify(result));
      expect(result.matches).toBe(3);
      expect(result.starts).toHaveLength(3);
      expect(result.starts).toEqual(starts);
      for (const s of result.starts) expect(sliceCodePoints(doc, s, s + 6)).toBe('Israel');
    });

    it('is resolved by start (exact or nearest), prefix and suffix', () => {
      const all = anchorQuote(doc, { exact: SENTENCE });
      if (all.ok || all.reason !== 'ambiguous') throw new Error(JSON.stringify(all));
      const [first, second, third] = all.starts as [number, number, number];

      const byStart = selectorOf(anchorQuote(doc, { exact: SENTENCE, start: third }));
      expect(byStart.start).toBe(third);
      expect(byStart.exact).toBe(SENTENCE.replace('strike ', 'strike\u00a0'));
      expectConsistent(doc, byStart);

      expect(selectorOf(anchorQuote(doc, { exact: SENTENCE, start: second + 5 })).start).toBe(second);
      expect(selectorOf(anchorQuote(doc, { exact: SENTENCE, start: 0 })).start).toBe(first);

      const byPrefix = selectorOf(
        anchorQuote(doc, { exact: SENTENCE, prefix: 'refuses to send Ukraine military aid' }),
      );
      expect(byPrefix.start).toBe(first);
      expectConsistent(doc, byPrefix);

      // The trailing period after "Netanyahu" exists only in the third copy.
      const bySuffix = selectorOf(
        anchorQuote(doc, {
          exact: 'coalition government led by Prime Minister Benjamin Netanyahu',
          suffix: '. ',
        }),
      );
      expect(bySuffix.start).toBeGreaterThan(third);
      expect(bySuffix.suffix.startsWith('.')).toBe(true);

      // One or two line breaks both fold to a space, so this prefix leaves two candidates; the hint picks one.
      expect(
        anchorQuote(doc, { exact: SENTENCE, prefix: 'Benjamin Netanyahu', suffix: ', in what' }),
      ).toEqual({
        ok: false,
        reason: 'ambiguous',
        matches: 2,
        starts: [second, third],
      });
      const both = anchorQuote(doc, { exact: SENTENCE, prefix: 'Benjamin Netanyahu', start: second + 40 });
      expect(selectorOf(both).start).toBe(second);
    });

    it('reports the tied candidates when the start hint is equidistant', () => {
      const text = 'echo one. echo two. echo three.';
      const result = anchorQuote(text, { exact: 'echo', start: 5 });
      expect(result).toEqual({ ok: false, reason: 'ambiguous', matches: 2, starts: [0, 10] });
      const all = anchorQuote(text, { exact: 'echo' });
      expect(all).toEqual({ ok: false, reason: 'ambiguous', matches: 3, starts: [0, 10, 20] });
    });

    it('resolves a synthetic repetition by prefix and suffix with whitespace differences', () => {
      const text = 'Alpha said: we will win.\nBeta said:\u00a0we will win. Gamma said: we will win!';
      expect(anchorQuote(text, { exact: 'we will win' })).toMatchObject({ ok: false, matches: 3 });
      expect(selectorOf(anchorQuote(text, { exact: 'we will win', prefix: 'Beta said:  ' })).start).toBe(
        text.indexOf('we', text.indexOf('Beta')),
      );
      expect(selectorOf(anchorQuote(text, { exact: 'we will win', suffix: '!' })).start).toBe(
        text.lastIndexOf('we will win'),
      );
      expect(selectorOf(anchorQuote(text, { exact: 'we will', suffix: ' win! ' })).start).toBe(
        text.lastIndexOf('we will win'),
      );
    });
  });

  it('counts overlapping occurrences', () => {
    expect(anchorQuote('na na na na', { exact: 'na na' })).toEqual({
      ok: false,
      reason: 'ambiguous',
      matches: 3,
      starts: [0, 3, 6],
    });
  });

  it('reports context_mismatch naming the failing field(s)', () => {
    expect(anchorQuote(doc, { exact: SENTENCE, prefix: 'nowhere in this text' })).toEqual({
      ok: false,
      reason: 'context_mismatch',
      fields: ['prefix'],
      matches: 3,
    });
    expect(anchorQuote(doc, { exact: SENTENCE, prefix: 'military aid', suffix: 'in Syria' })).toEqual({
      ok: false,
      reason: 'context_mismatch',
      fields: ['suffix'],
      matches: 3,
    });
    expect(anchorQuote(doc, { exact: SENTENCE, prefix: 'xyz', suffix: 'abc' })).toMatchObject({
      reason: 'context_mismatch',
      fields: ['prefix', 'suffix'],
    });
    // Both contexts occur, but never around the same occurrence.
    const text = 'A: go now. go later: B';
    expect(anchorQuote(text, { exact: 'go', prefix: 'A:', suffix: 'later' })).toMatchObject({
      reason: 'context_mismatch',
      fields: ['prefix', 'suffix'],
      matches: 2,
    });
    // A unique quote with a wrong prefix is still rejected: the client asserted that context.
    expect(anchorQuote(doc, { exact: 'PadDolat', prefix: 'wrong' })).toMatchObject({
      reason: 'context_mismatch',
      matches: 1,
    });
  });

  it('counts astral characters as one code point before and inside the quote', () => {
    const text = '🚀 Launch day: the rocket 🔥 lifted off at dawn 🌅.';
    const sel = selectorOf(anchorQuote(text, { exact: 'Launch day' }));
    expect(sel.start).toBe(2);
    expect(sel.end).toBe(12);
    expect(sel.prefix).toBe('🚀 ');
    expect(sliceCodePoints(text, sel.start, sel.end)).toBe(sel.exact);

    const inside = selectorOf(anchorQuote(text, { exact: 'rocket 🔥 lifted' }));
    expect(inside.exact).toBe('rocket 🔥 lifted');
    expect(inside.start).toBe(18);
    expect(inside.end).toBe(33);
    expectConsistent(text, inside);

    const tail = selectorOf(anchorQuote(text, { exact: 'dawn 🌅' }));
    expect(tail.exact).toBe('dawn 🌅');
    expect(tail.suffix).toBe('.');
    expect(tail.end).toBe(codePointLength(text) - 1);

    // Prefix/suffix context is cut at 32 code points, never inside a surrogate pair.
    const emojis = '😀'.repeat(40);
    const wide = selectorOf(anchorQuote(`${emojis}quote${emojis}`, { exact: 'quote' }));
    expect(wide).toEqual({
      exact: 'quote',
      prefix: '😀'.repeat(32),
      suffix: '😀'.repeat(32),
      start: 40,
      end: 45,
    });

    const repeated = `🚀 go 🚀 go`;
    expect(anchorQuote(repeated, { exact: 'go' })).toMatchObject({ reason: 'ambiguous', starts: [2, 7] });
    expect(selectorOf(anchorQuote(repeated, { exact: 'go', start: 6 })).start).toBe(7);
  });

  it('returns not_found and empty', () => {
    expect(anchorQuote(doc, { exact: 'Israel has carried out a naval strike' })).toEqual({
      ok: false,
      reason: 'not_found',
    });
    expect(anchorQuote('', { exact: 'anything' })).toEqual({ ok: false, reason: 'not_found' });
    expect(anchorQuote(doc, { exact: ' \t\n\u00a0\u200b\ufeff ' })).toEqual({ ok: false, reason: 'empty' });
    expect(anchorQuote(doc, { exact: '' })).toEqual({ ok: false, reason: 'empty' });
  });

  it('anchors quotes at the very start and very end of the text', () => {
    const headline = 'Israel carries out drone strike in Iran';
    const first = selectorOf(anchorQuote(doc, { exact: headline }));
    expect(first).toMatchObject({ exact: headline, prefix: '', start: 0, end: headline.length });
    expectConsistent(doc, first);

    const last = 'imperil its ability to strike Iranian targets in Syria.';
    const end = selectorOf(anchorQuote(doc, { exact: last }));
    expect(end.suffix).toBe(doc.endsWith('\n') ? '\n' : '');
    expect(end.end).toBe(codePointLength(doc.trimEnd()));
    expectConsistent(doc, end);

    const whole = selectorOf(anchorQuote('just this', { exact: 'just this' }));
    expect(whole).toEqual({ exact: 'just this', prefix: '', suffix: '', start: 0, end: 9 });
  });
});

describe('verifyQuote', () => {
  const text = 'Before the 🚀 launch, the director said \u201cwe are ready\u201d to reporters outside.';
  const sel = selectorOf(anchorQuote(text, { exact: 'said "we are ready" to' }));

  it('accepts a fresh selector', () => {
    expect(verifyQuote(text, sel)).toBe(true);
  });

  it('rejects a selector when the text changed at the span', () => {
    expect(verifyQuote(text.replace('ready', 'steady'), sel)).toBe(false);
    expect(verifyQuote(text.replace('\u201cwe', '"we'), sel)).toBe(false);
    expect(verifyQuote(text.replace('🚀', 'XX'), sel)).toBe(false); // shifts the code point offsets
  });

  it('rejects a selector when the context changed', () => {
    expect(verifyQuote(text.replace('director', 'minister'), sel)).toBe(false);
    expect(verifyQuote(text.replace('reporters', 'crowds'), sel)).toBe(false);
  });

  it('rejects malformed selectors', () => {
    expect(verifyQuote(text, { ...sel, end: sel.end + 1 })).toBe(false);
    expect(verifyQuote(text, { ...sel, start: sel.start + 1, end: sel.end + 1 })).toBe(false);
    expect(verifyQuote(text, { ...sel, start: -1 })).toBe(false);
    expect(verifyQuote(text, { ...sel, exact: '', start: 3, end: 3 })).toBe(false);
    expect(verifyQuote('short', sel)).toBe(false);
  });
});
