import type Database from 'better-sqlite3';

/**
 * Fills the search index from the tables, as migration 0004 does and its triggers keep it: for bulk loads that
 * drop the index's triggers while they insert (bench/generate.ts) and put them back after. Runs in the caller's
 * transaction if there is one. What each row holds is described in migrations/0004_board.sql.
 */
export function rebuildSearchIndex(sqlite: Database.Database): void {
  sqlite.exec(`
    DELETE FROM search_index;
    DELETE FROM search_docs;
    DELETE FROM actor_names;
    INSERT INTO actor_names (rowid, names) SELECT id, search_text FROM actors ORDER BY id;
    INSERT INTO search_docs (kind, ref_id)
      SELECT kind, ref_id FROM (
        SELECT 2 AS kind, id AS ref_id, created_at FROM sources
        UNION ALL SELECT 0, id, created_at FROM claims
        UNION ALL SELECT 1, id, created_at FROM claims
      ) ORDER BY created_at, kind = 2 DESC, ref_id, kind;
    INSERT INTO search_index (rowid, body, names)
      SELECT d.id,
        CASE d.kind WHEN 0 THEN c.text WHEN 1 THEN c.quote_exact ELSE s.title || char(10) || s.text END,
        CASE d.kind WHEN 0 THEN coalesce('actor' || c.claimant_id, '') WHEN 1 THEN ''
          ELSE coalesce('actor' || s.publisher_id, '') END
      FROM search_docs d
      LEFT JOIN claims c ON d.kind IN (0, 1) AND c.id = d.ref_id
      LEFT JOIN sources s ON d.kind = 2 AND s.id = d.ref_id
      ORDER BY d.id;
    INSERT INTO search_index (search_index) VALUES ('optimize');
  `);
}
