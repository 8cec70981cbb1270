import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Recent results of costly read views, each dropped when a committed write touches what it was made from. */
    viewCache: ViewCache;
  }
}

/** The records a view was computed from: a committed change to any of them drops it. */
export interface ViewDependencies {
  events?: Iterable<number>;
  claims?: Iterable<number>;
  sources?: Iterable<number>;
  actors?: Iterable<number>;
}

export interface ViewCache {
  /** The value kept under `key`, or the one `compute` makes (kept until a write touches its dependencies). */
  get<V>(key: string, compute: () => { value: V; dependsOn: ViewDependencies }): { value: V; hit: boolean };
}

type Kind = keyof ViewDependencies;
const KINDS: Kind[] = ['events', 'claims', 'sources', 'actors'];
type Touched = Record<Kind, Set<number>>;

// Which records an audit entry says were written. An attribution touches the boards of the events it was on
// before and after; a claim link touches both claims (a `repeats` link merges origins); the rest touch
// themselves. Resources that no view reads from (API keys) touch nothing.
const AUDIT_CHANGES = `
SELECT resource, resource_id AS id,
  json_extract(before, '$.event.id') AS beforeEvent, json_extract(after, '$.event.id') AS afterEvent,
  json_extract(before, '$.from.id') AS beforeFrom, json_extract(before, '$.to.id') AS beforeTo,
  json_extract(after, '$.from.id') AS afterFrom, json_extract(after, '$.to.id') AS afterTo
FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`;

/** Past this many writes since the last look, dropping everything is cheaper than reading them. */
const MAX_CHANGES_READ = 5000;

interface AuditChange {
  resource: string;
  id: number;
  beforeEvent: number | null;
  afterEvent: number | null;
  beforeFrom: number | null;
  beforeTo: number | null;
  afterFrom: number | null;
  afterTo: number | null;
}

/**
 * Dashboards ask the same costly questions (the attribution board of a large event) over and over. A view is
 * kept until a committed write touches a record it was computed from. What a write touched is read from the
 * audit log, which every write through this service adds to in its own transaction: so only writes that were
 * committed count (an unauthenticated, refused or rolled-back request leaves no audit record and drops
 * nothing), whatever the HTTP method and however the writer batches commits. Commits by other connections
 * (the keys and seed commands, or a second process) show in SQLite's data_version and drop everything.
 * Nothing is kept or reused while this connection is inside a transaction.
 */
export const viewCachePlugin = fp(
  async (app: FastifyInstance, opts: { maxEntries: number }) => {
    const sqlite = app.db.$client;
    const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
    const lastAudit = sqlite.prepare('SELECT coalesce(max(id), 0) FROM audit_log').pluck();
    const auditChanges = sqlite.prepare(AUDIT_CHANGES);
    const entries = new Map<string, { value: unknown; deps: Record<Kind, Set<number>> }>();
    let seenVersion = dataVersion.get();
    let seenAudit = lastAudit.get() as number;

    function touchedBy(changes: AuditChange[]): Touched {
      const touched: Touched = {
        events: new Set(),
        claims: new Set(),
        sources: new Set(),
        actors: new Set(),
      };
      const add = (kind: Kind, ...ids: (number | null)[]) => {
        for (const id of ids) if (id !== null) touched[kind].add(id);
      };
      for (const c of changes) {
        if (c.resource === 'attribution') add('events', c.beforeEvent, c.afterEvent);
        else if (c.resource === 'claimLink') add('claims', c.beforeFrom, c.beforeTo, c.afterFrom, c.afterTo);
        else if (c.resource === 'claim') add('claims', c.id);
        else if (c.resource === 'source') add('sources', c.id);
        else if (c.resource === 'actor') add('actors', c.id);
        else if (c.resource === 'event') add('events', c.id);
      }
      return touched;
    }

    /** Brings the cache up to date with what was committed since the last look. */
    function catchUp(): void {
      const version = dataVersion.get();
      const top = lastAudit.get() as number;
      if (version !== seenVersion) {
        entries.clear();
      } else if (top > seenAudit) {
        const changes = auditChanges.all(seenAudit, MAX_CHANGES_READ + 1) as AuditChange[];
        if (changes.length > MAX_CHANGES_READ) {
          entries.clear();
        } else {
          const touched = touchedBy(changes);
          for (const [key, entry] of entries) {
            if (KINDS.some((kind) => [...touched[kind]].some((id) => entry.deps[kind].has(id)))) {
              entries.delete(key);
            }
          }
        }
      }
      seenVersion = version;
      seenAudit = top;
    }

    app.decorate('viewCache', {
      get<V>(key: string, compute: () => { value: V; dependsOn: ViewDependencies }) {
        if (sqlite.inTransaction) return { value: compute().value, hit: false };
        catchUp();
        const kept = entries.get(key);
        if (kept) {
          // Most recently used last, so the oldest is dropped first.
          entries.delete(key);
          entries.set(key, kept);
          return { value: kept.value as V, hit: true };
        }
        const { value, dependsOn } = compute();
        const deps = {} as Record<Kind, Set<number>>;
        for (const kind of KINDS) deps[kind] = new Set(dependsOn[kind] ?? []);
        entries.set(key, { value, deps });
        if (entries.size > opts.maxEntries) entries.delete(entries.keys().next().value as string);
        return { value, hit: false };
      },
    });
  },
  { name: 'view-cache', dependencies: ['db'] },
);
