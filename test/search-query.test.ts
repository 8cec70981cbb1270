import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { plainWords, SearchSyntaxError, toFtsQuery } from '../src/modules/search/search.query.js';

// Every query toFtsQuery produces must be one FTS5 accepts: checked against a real FTS5 table with the
// service's tokenizer.
const fts = new Database(':memory:');
fts.exec("CREATE VIRTUAL TABLE t USING fts5(body, names, tokenize = 'porter unicode61 remove_diacritics 2')");
fts
  .prepare('INSERT INTO t (rowid, body, names) VALUES (1, ?, ?)')
  .run(
    'Amir-Abdollahian said at 23:30 that ארה"ב and the U.S. drones attacked (AP) the quadcopter factory',
    'hossein amir-abdollahian',
  );
const matches = (query: string) => fts.prepare('SELECT rowid FROM t WHERE t MATCH ?').all(query).length;

function reason(q: string): string {
  try {
    toFtsQuery(q);
  } catch (error) {
    expect(error).toBeInstanceOf(SearchSyntaxError);
    return (error as SearchSyntaxError).extras.errors?.[0]?.message ?? '';
  }
  throw new Error(`${q} was accepted`);
}

describe('toFtsQuery reads what is not syntax as plain words', () => {
  it.each([
    ['drones', 'drones', 1],
    ['quadcopters', 'quadcopters', 1],
    ['"unclosed', 'unclosed', 0],
    ['Israel"', '"Israel"""', 0],
    ['ארה"ב', '"ארה""ב"', 1],
    ['Amir-Abdollahian', '"Amir-Abdollahian"', 1],
    ['23:30', '"23:30"', 1],
    ['U.S. drones', '"U.S." AND drones', 1],
    ['(unbalanced drones', 'unbalanced AND drones', 0],
    ['drones)', 'drones', 1],
    ['drones ()', 'drones', 1],
    ['and or not drones', 'and AND or AND not AND drones', 0],
    ['NEAR drones', '"NEAR" AND drones', 0],
    ['drones "" attacked', 'drones AND attacked', 1],
    ['“quadcopter factory”', '"quadcopter factory"', 1],
    ['Iran’s drones', 'Iran AND s AND drones', 0],
    ['names:amir', '"names:amir"', 0],
  ])('%s -> %s', (q, expected, hits) => {
    expect(toFtsQuery(q)).toBe(expected);
    expect(matches(expected)).toBe(hits);
  });

  it('keeps explicit syntax: phrases, prefixes, groups, operators and NEAR', () => {
    const cases: [string, string, number][] = [
      ['"drones attacked"', '"drones attacked"', 1],
      ['"drones attack"*', '"drones attack"*', 1],
      ['drone*', 'drone*', 1],
      ['drones OR missiles', 'drones OR missiles', 1],
      ['drones NOT missiles', 'drones NOT missiles', 1],
      ['drones AND (factory OR plant)', 'drones AND ( factory OR plant )', 1],
      ['(factory OR plant) drones', '( factory OR plant ) AND drones', 1],
      ['drones (factory OR plant)', 'drones AND ( factory OR plant )', 1],
      ['NEAR(drones attacked, 3)', 'NEAR(drones attacked, 3)', 1],
      ['NEAR(drones factory)', 'NEAR(drones factory)', 1],
    ];
    for (const [q, expected, hits] of cases) {
      expect(toFtsQuery(q), q).toBe(expected);
      expect(matches(expected), q).toBe(hits);
    }
  });

  it('holds nothing to search for when no word has a letter or digit', () => {
    for (const q of ['’', '—', '*', '"" ()', '( )', '!!! ???']) expect(toFtsQuery(q), q).toBeNull();
  });

  it('refuses broken operator syntax, naming the part at fault', () => {
    expect(reason('drones NOT')).toBe('NOT at character 8 has nothing after it');
    expect(reason('AND')).toBe('AND at character 1 has nothing before it');
    expect(reason('OR drones')).toBe('OR at character 1 has nothing before it');
    expect(reason('drones AND OR x')).toBe('OR at character 12 follows AND');
    expect(reason('(drones OR) x')).toBe('OR at character 9 has nothing after it');
    expect(reason('x (NOT drones)')).toBe('NOT at character 4 has nothing before it');
    expect(reason('drones AND ()')).toBe('AND at character 8 has nothing after it');
    expect(reason('NEAR(drones x')).toBe('NEAR( at character 1 is not closed');
    expect(reason('x NEAR(drones)')).toBe('NEAR( at character 3 needs at least two terms');
    expect(reason('NEAR(a b, 5, 6)')).toBe(
      'NEAR( at character 1 takes terms and at most one distance, a whole number: NEAR(drone attack, 5)',
    );
    // Positions count code points, as a reader counts characters.
    expect(reason('🚁🚁 drones NOT')).toBe('NOT at character 11 has nothing after it');
  });

  it('lets each word, phrase and prefix be widened, NEAR groups excepted', () => {
    const expand = (term: string) => `(${term} OR names : x)`;
    expect(toFtsQuery('drone* "air defence" NEAR(a b) NOT Isfahan', expand)).toBe(
      '(drone* OR names : x) AND ("air defence" OR names : x) AND NEAR(a b) NOT (Isfahan OR names : x)',
    );
  });

  it('falls back to every word as a plain phrase', () => {
    expect(plainWords('NOT "drones (AP) ארה"ב')).toBe('"NOT" """drones" "AP" "ארה""ב"');
    expect(matches(plainWords('drones AP') as string)).toBe(1);
    expect(plainWords('—')).toBeNull();
  });
});
