import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { describe, expect, it } from 'vitest';
import { nextPageLink } from '../src/lib/pagination.js';
import { rowBuilder } from '../src/lib/raw-rows.js';
import { rawSelect } from '../src/lib/statements.js';

describe('rowBuilder', () => {
  it('keys a raw row by the fields, in order, with nothing else', () => {
    const toRow = rowBuilder<{ id: number; name: string; kind: null }>(['id', 'name', 'kind']);
    const row = toRow([7, 'IRNA', null]);
    expect(row).toStrictEqual({ id: 7, name: 'IRNA', kind: null });
    expect(Object.keys(row)).toEqual(['id', 'name', 'kind']);
  });

  it('refuses a field that is not a plain identifier', () => {
    expect(() => rowBuilder(['id', 'a: 1, b'])).toThrow(/not an identifier/);
    expect(() => rowBuilder(['1st'])).toThrow(/not an identifier/);
  });
});

describe('rawSelect', () => {
  it('binds placeholders by name and answers keyed rows', () => {
    const sqlite = new Database(':memory:');
    sqlite.exec(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')",
    );
    const db = drizzle(sqlite);
    const select = rawSelect<{ id: number; label: string }>(
      sqlite,
      db
        .select({ id: sql`id`, label: sql`name` })
        .from(sql`t`)
        .where(sql`id >= ${sql.placeholder('from')}`),
      ['id', 'label'],
    );
    expect(select({ from: 2 })).toStrictEqual([
      { id: 2, label: 'b' },
      { id: 3, label: 'c' },
    ]);
    expect(select({ from: 9 })).toStrictEqual([]);
    sqlite.close();
  });
});

describe('nextPageLink', () => {
  it('adds the cursor to a URL without a query or without a cursor', () => {
    expect(nextPageLink('/claims', 'eyJ2IjoxfQ')).toBe('</claims?cursor=eyJ2IjoxfQ>; rel="next"');
    expect(nextPageLink('/claims?actor=3&limit=20', 'abc')).toBe(
      '</claims?actor=3&limit=20&cursor=abc>; rel="next"',
    );
  });

  it('replaces the cursor sent where it stood, drops repeats and keeps other parameters as written', () => {
    expect(nextPageLink('/search?cursor=old&q=Hossein%20Salami&limit=5', 'new')).toBe(
      '</search?cursor=new&q=Hossein%20Salami&limit=5>; rel="next"',
    );
    expect(nextPageLink('/claims?%63ursor=old&limit=2&cursor=again', 'new')).toBe(
      '</claims?cursor=new&limit=2>; rel="next"',
    );
    // A parameter whose name only starts with "cursor" is another parameter; empty pairs go.
    expect(nextPageLink('/claims?cursorx=1&&limit=2&', 'new')).toBe(
      '</claims?cursorx=1&limit=2&cursor=new>; rel="next"',
    );
    // A name that does not decode is not the cursor.
    expect(nextPageLink('/claims?%E0%A4%A=1', 'n')).toBe('</claims?%E0%A4%A=1&cursor=n>; rel="next"');
  });

  it('escapes a cursor that is not URL-safe', () => {
    expect(nextPageLink('/x', 'a+b/c=')).toBe('</x?cursor=a%2Bb%2Fc%3D>; rel="next"');
  });
});
