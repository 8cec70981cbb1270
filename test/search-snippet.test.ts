import { describe, expect, it } from 'vitest';
import { parseSnippet } from '../src/modules/search/search.repository.js';

// FTS5 marks each match with \u0002 ... \u0003; the snippet leaves as plain text with code-point ranges.
const O = '\u0002';
const C = '\u0003';

describe('parseSnippet', () => {
  it('gives the ranges of the marked words in code points', () => {
    expect(parseSnippet(`Mr ${O}Nasseri${C} said the ${O}drone${C} hit`)).toEqual({
      snippet: 'Mr Nasseri said the drone hit',
      highlights: [
        [3, 10],
        [20, 25],
      ],
    });
  });

  it('counts a character outside the BMP as one position', () => {
    expect(parseSnippet(`😀 ${O}é${C}`)).toEqual({ snippet: '😀 é', highlights: [[2, 3]] });
  });

  it('turns a run of line breaks and tabs into one space, and none beside a space or at the ends', () => {
    expect(parseSnippet('\n\nfirst\n\n\tsecond\n third\n')).toEqual({
      snippet: 'first second third',
      highlights: [],
    });
    expect(parseSnippet(`end.\n\n${O}Start${C}`)).toEqual({ snippet: 'end. Start', highlights: [[5, 10]] });
    // A no-break space is white space: no second space is added beside it.
    expect(parseSnippet('a\u00a0\nb')).toEqual({ snippet: 'a\u00a0b', highlights: [] });
  });

  it('drops an empty mark and closes a mark left open at the end', () => {
    expect(parseSnippet(`a ${O}${C}b ${O}open`)).toEqual({ snippet: 'a b open', highlights: [[4, 8]] });
  });
});
