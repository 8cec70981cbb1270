import Database from 'better-sqlite3';

/** What every scenario is run with, chosen from the database before anything starts. */
export interface ScenarioParams {
  claims: number;
  busiestActor: { id: number; name: string; claims: number };
  largestEvent: { id: number; title: string; claims: number; attributions: number };
  middleClaimId: number;
  /** The id the deep page starts after: 100 standing claims before the end. */
  deepAfterId: number;
  searchTerm: { term: string; docs: number; indexRows: number };
  /** A person's surname: the claimant with the most claims among people (issue 9's search for a name). */
  searchName: { term: string; docs: number; actor: string };
  create: {
    sourceId: number;
    sourceLength: number;
    quote: string;
    quoteStart: number;
    claimantId: number;
    eventId: number;
    reportedViaIds: number[];
  };
}

// Words too common to say anything, left out when choosing the search term.
const STOPWORDS = new Set(
  (
    'the of and to in a an that said is was for on with as by at from it its be has have had are were this ' +
    'which not or but his her their they he she we you i s t will would been also after into about than more ' +
    'over who what when where there these those our out up all one two'
  ).split(' '),
);

const row = <T>(db: Database.Database, sql: string, ...args: unknown[]): T | undefined =>
  db.prepare(sql).get(...args) as T | undefined;

/** Opens the database read-only and picks the parameters; throws if it has nothing to benchmark. */
export function pickParams(path: string, searchOverride?: string, nameOverride?: string): ScenarioParams {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const claims = row<{ n: number }>(db, 'SELECT count(*) AS n FROM claims')?.n ?? 0;
    if (claims < 100) throw new Error(`${path} has ${claims} claims; the benchmark needs at least 100`);

    const actor = row<{ id: number; name: string; n: number }>(
      db,
      `SELECT a.id, a.name, t.n FROM (
         SELECT claimant_id AS id, count(*) AS n FROM claims
         WHERE claimant_id IS NOT NULL AND retracted_at IS NULL GROUP BY claimant_id ORDER BY n DESC LIMIT 1
       ) t JOIN actors a ON a.id = t.id`,
    );
    const event = row<{ id: number; title: string; n: number }>(
      db,
      `SELECT e.id, e.title, t.n FROM (
         SELECT event_id AS id, count(*) AS n FROM claims
         WHERE event_id IS NOT NULL AND retracted_at IS NULL GROUP BY event_id ORDER BY n DESC LIMIT 1
       ) t JOIN events e ON e.id = t.id`,
    );
    if (!actor || !event) throw new Error(`${path} has no claim with a claimant and an event`);
    const attributions =
      row<{ n: number }>(db, 'SELECT count(*) AS n FROM attributions WHERE event_id = ?', event.id)?.n ?? 0;

    const middle = row<{ id: number }>(
      db,
      'SELECT id FROM claims WHERE retracted_at IS NULL ORDER BY id LIMIT 1 OFFSET ?',
      Math.floor(claims / 2),
    );
    const deep = row<{ id: number }>(
      db,
      'SELECT id FROM claims WHERE retracted_at IS NULL ORDER BY id DESC LIMIT 1 OFFSET 100',
    );
    if (!middle || !deep) throw new Error(`${path} has too few standing claims`);

    const searchTerm = pickSearchTerm(db, searchOverride);
    const searchName = pickSearchName(db, nameOverride);
    const create = pickCreateBody(db, middle.id, actor.id, event.id);
    return {
      claims,
      busiestActor: { id: actor.id, name: actor.name, claims: actor.n },
      largestEvent: { id: event.id, title: event.title, claims: event.n, attributions },
      middleClaimId: middle.id,
      deepAfterId: deep.id,
      searchTerm,
      searchName,
      create,
    };
  } finally {
    db.close();
  }
}

/**
 * The most frequent word (at least 4 letters, not a stopword) in the texts and quotes of 2,000 claims spread
 * over the id range: a common word, found without reading the whole full-text index.
 */
function pickSearchTerm(db: Database.Database, override: string | undefined): ScenarioParams['searchTerm'] {
  // One small row per indexed document: cheaper to count than the index itself.
  const indexRows = row<{ n: number }>(db, 'SELECT count(*) AS n FROM search_index_docsize')?.n ?? 0;
  const docsOf = (term: string) =>
    row<{ n: number }>(db, 'SELECT count(*) AS n FROM search_index WHERE search_index MATCH ?', `"${term}"`)
      ?.n ?? 0;
  if (override) return { term: override, docs: docsOf(override), indexRows };
  const range = row<{ lo: number; hi: number }>(db, 'SELECT min(id) AS lo, max(id) AS hi FROM claims');
  if (!range) throw new Error('no claims');
  const step = Math.max(1, Math.floor((range.hi - range.lo) / 2000));
  const ids = Array.from({ length: 2000 }, (_, i) => range.lo + i * step).filter((id) => id <= range.hi);
  const texts = db
    .prepare('SELECT text, quote_exact AS quote FROM claims WHERE id IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(ids)) as { text: string; quote: string }[];
  const counts = new Map<string, number>();
  for (const { text, quote } of texts) {
    // Counted once per claim, as FTS5 counts documents.
    const words = new Set(`${text} ${quote}`.toLowerCase().match(/\p{L}+/gu) ?? []);
    for (const w of words) if (w.length >= 4 && !STOPWORDS.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  if (!best) throw new Error('no common word in the claims to search for');
  return { term: best[0], docs: docsOf(best[0]), indexRows };
}

const docsOf = (db: Database.Database, term: string) =>
  row<{ n: number }>(db, 'SELECT count(*) AS n FROM search_index WHERE search_index MATCH ?', `"${term}"`)
    ?.n ?? 0;

function pickSearchName(db: Database.Database, override: string | undefined): ScenarioParams['searchName'] {
  const person = row<{ name: string }>(
    db,
    `SELECT a.name FROM (SELECT claimant_id AS id, count(*) AS n FROM claims WHERE claimant_id IS NOT NULL
       GROUP BY claimant_id) t JOIN actors a ON a.id = t.id WHERE a.kind = 'person' ORDER BY t.n DESC LIMIT 1`,
  );
  const surname = person?.name
    .split(/\s+/)
    .filter((w) => /^\p{L}{3,}$/u.test(w))
    .at(-1);
  const term = override ?? surname;
  if (!term) throw new Error('no person among the claimants to search for by name');
  return { term, docs: docsOf(db, term), actor: person?.name ?? '' };
}

/**
 * A valid POST /claims body: a span of the middle claim's source text that occurs exactly once in it
 * (so it anchors without start/prefix/suffix), by the busiest actor about the largest event.
 */
function pickCreateBody(
  db: Database.Database,
  claimId: number,
  claimantId: number,
  eventId: number,
): ScenarioParams['create'] {
  const source = row<{ id: number; text: string }>(
    db,
    'SELECT s.id, s.text FROM claims c JOIN sources s ON s.id = c.source_id WHERE c.id = ?',
    claimId,
  );
  if (!source) throw new Error(`claim ${claimId} has no source`);
  const chars = [...source.text];
  const quote = findUniqueSpan(chars);
  if (!quote) throw new Error(`source ${source.id} has no span that occurs once`);
  const via = db
    .prepare('SELECT actor_id AS id FROM claim_reported_via WHERE claim_id = ? ORDER BY position')
    .all(claimId) as { id: number }[];
  const others = db.prepare('SELECT id FROM actors WHERE id <> ? ORDER BY id LIMIT 2').all(claimantId) as {
    id: number;
  }[];
  return {
    sourceId: source.id,
    sourceLength: chars.length,
    quote: quote.text,
    quoteStart: quote.start,
    claimantId,
    eventId,
    reportedViaIds: (via.length > 0 ? via : others).map((r) => r.id),
  };
}

function findUniqueSpan(chars: string[]): { text: string; start: number } | null {
  const whole = chars.join('');
  const length = Math.min(60, Math.max(10, Math.floor(chars.length / 4)));
  const isLetter = (i: number) => i >= 0 && i < chars.length && /\p{L}/u.test(chars[i] as string);
  // Whole words from the middle outwards, about `length` code points, that occur exactly once.
  for (let step = 0; step < chars.length; step += 7) {
    for (const from of [Math.floor(chars.length / 2) + step, Math.floor(chars.length / 2) - step]) {
      let start = from;
      while (start < chars.length && !(isLetter(start) && !isLetter(start - 1))) start++;
      let end = start + length;
      while (end < chars.length && isLetter(end)) end++;
      if (start < 0 || end > chars.length || !isLetter(end - 1)) continue;
      const text = chars.slice(start, end).join('');
      const at = whole.indexOf(text);
      if (at !== -1 && at === whole.lastIndexOf(text)) return { text, start };
    }
  }
  return null;
}
