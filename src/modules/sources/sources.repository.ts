import { createHash } from 'node:crypto';
import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { actors, sources } from '../../db/schema.js';
import { fieldProblem, problem } from '../../errors.js';
import { type Page, toPage } from '../../lib/pagination.js';
import { requireReference, wouldCycle } from '../../lib/references.js';
import { containsPattern, nowIso } from '../../lib/schemas.js';
import { countStatement, prepared, tableWriter } from '../../lib/statements.js';
import type { Source, SourceInput, SourcePatch, SourceSummary } from './sources.schemas.js';

export interface SourceFilter {
  q?: string | undefined;
  publisher?: number | undefined;
  kind?: Source['kind'] | undefined;
  after?: number | undefined;
  limit: number;
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const original = alias(sources, 'original');

const summaryColumns = {
  id: sources.id,
  title: sources.title,
  url: sources.url,
  publisherId: sources.publisherId,
  copyOfId: sources.copyOfId,
  publishedAt: sources.publishedAt,
  publishedAtPrecision: sources.publishedAtPrecision,
  retrievedAt: sources.retrievedAt,
  language: sources.language,
  kind: sources.kind,
  sha256: sources.sha256,
  textLength: sql<number>`length(${sources.text})`,
  createdAt: sources.createdAt,
  updatedAt: sources.updatedAt,
  publisherName: actors.name,
  publisherKind: actors.kind,
  copyOfTitle: original.title,
  copyOfUrl: original.url,
  copyOfPublishedAt: original.publishedAt,
};

export function createSourcesRepository(db: Db) {
  const selectSummary = () =>
    db
      .select(summaryColumns)
      .from(sources)
      .leftJoin(actors, eq(actors.id, sources.publisherId))
      .leftJoin(original, eq(original.id, sources.copyOfId));

  const toSummary = ({
    publisherName,
    publisherKind,
    copyOfTitle,
    copyOfUrl,
    copyOfPublishedAt,
    ...s
  }: ReturnType<ReturnType<typeof selectSummary>['all']>[number]): SourceSummary => ({
    ...s,
    publisher:
      s.publisherId !== null && publisherName !== null && publisherKind !== null
        ? { id: s.publisherId, name: publisherName, kind: publisherKind }
        : null,
    copyOf:
      s.copyOfId !== null && copyOfTitle !== null
        ? { id: s.copyOfId, title: copyOfTitle, url: copyOfUrl, publishedAt: copyOfPublishedAt }
        : null,
  });

  const claimsIn = countStatement(db.$client, 'claims', 'source_id');
  const copiesOf = countStatement(db.$client, 'sources', 'copy_of_id');
  const summaryById = selectSummary()
    .where(eq(sources.id, sql.placeholder('id')))
    .prepare();
  const textById = prepared(db.$client, 'SELECT text FROM sources WHERE id = ?').pluck();
  const sourcesTable = tableWriter(db, sources);
  const deleteSource = prepared(db.$client, 'DELETE FROM sources WHERE id = ?');

  const repo = {
    get(id: number): Source | null {
      const row = summaryById.get({ id });
      if (!row) return null;
      return { ...toSummary(row), text: repo.textOf(id) ?? '' };
    },

    /** The verbatim text alone, for quote anchoring. */
    textOf(id: number): string | null {
      return (textById.get(id) as string | undefined) ?? null;
    },

    list(filter: SourceFilter): Page<SourceSummary> {
      const where: (SQL | undefined)[] = [];
      if (filter.q) where.push(sql`${sources.searchText} LIKE ${containsPattern(filter.q)} ESCAPE '\\'`);
      if (filter.publisher !== undefined) where.push(eq(sources.publisherId, filter.publisher));
      if (filter.kind) where.push(eq(sources.kind, filter.kind));
      if (filter.after !== undefined) where.push(gt(sources.id, filter.after));
      const rows = selectSummary()
        .where(and(...where))
        .orderBy(asc(sources.id))
        .limit(filter.limit + 1)
        .all();
      return toPage(rows.map(toSummary), filter.limit);
    },

    create(input: SourceInput): Source {
      return db.transaction(() => {
        requireReference(db, actors, input.publisherId, '/publisherId', 'Actor');
        requireReference(db, sources, input.copyOfId, '/copyOfId', 'Source');
        const now = nowIso();
        const id = sourcesTable.insert({
          title: input.title,
          url: input.url ?? null,
          publisherId: input.publisherId ?? null,
          copyOfId: input.copyOfId ?? null,
          publishedAt: input.publishedAt ?? null,
          publishedAtPrecision: input.publishedAtPrecision ?? null,
          retrievedAt: input.retrievedAt ?? now,
          language: input.language ?? null,
          kind: input.kind,
          text: input.text,
          sha256: sha256Hex(input.text),
          searchText: input.title.toLowerCase(),
          createdAt: now,
          updatedAt: now,
        });
        return repo.get(id) as Source;
      });
    },

    update(id: number, patch: SourcePatch): Source | null {
      return db.transaction(() => {
        const current = repo.get(id);
        if (!current) return null;
        requireReference(db, actors, patch.publisherId, '/publisherId', 'Actor');
        if (patch.copyOfId !== undefined && patch.copyOfId !== null) {
          requireReference(db, sources, patch.copyOfId, '/copyOfId', 'Source');
          if (wouldCycle(db, 'sources', id, patch.copyOfId)) {
            throw fieldProblem(
              'HIERARCHY_CYCLE',
              '/copyOfId',
              `Source ${patch.copyOfId} is source ${id} or a copy of it, so source ${id} cannot copy it.`,
            );
          }
        }
        const changes: Partial<typeof sources.$inferInsert> = { ...patch, updatedAt: nowIso() };
        if (patch.text !== undefined && patch.text !== current.text) {
          const anchored = claimsIn(id);
          if (anchored > 0) {
            throw problem(
              'SOURCE_TEXT_LOCKED',
              `${anchored} claim(s) quote this text; it is evidence and cannot change. Store the new version as a new source.`,
              { errors: [{ in: 'body', pointer: '/text', message: 'Anchored by claims' }] },
            );
          }
          changes.sha256 = sha256Hex(patch.text);
        }
        if (patch.title !== undefined) changes.searchText = patch.title.toLowerCase();
        sourcesTable.update(id, changes);
        return repo.get(id);
      });
    },

    delete(id: number): boolean {
      return db.transaction(() => {
        if (!repo.get(id)) return false;
        const anchored = claimsIn(id);
        if (anchored > 0) {
          throw problem('RESOURCE_IN_USE', `Source ${id} is still quoted by ${anchored} claim(s).`);
        }
        const copies = copiesOf(id);
        if (copies > 0) {
          throw problem(
            'RESOURCE_IN_USE',
            `Source ${id} is still the original of ${copies} copied source(s).`,
          );
        }
        deleteSource.run(id);
        return true;
      });
    },
  };
  return repo;
}

export type SourcesRepository = ReturnType<typeof createSourcesRepository>;
