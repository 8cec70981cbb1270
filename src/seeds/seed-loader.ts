import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { seedLoads } from '../db/schema.js';
import { nowIso } from '../lib/schemas.js';
import { createActorsRepository } from '../modules/actors/actors.repository.js';
import { CreateActorBody } from '../modules/actors/actors.schemas.js';
import { createAttributionsRepository } from '../modules/attributions/attributions.repository.js';
import { CreateAttributionBody } from '../modules/attributions/attributions.schemas.js';
import { createAuditService } from '../modules/audit/audit.service.js';
import { createClaimLinksRepository } from '../modules/claim-links/claim-links.repository.js';
import { CreateClaimLinkBody } from '../modules/claim-links/claim-links.schemas.js';
import { CreateClaimBody } from '../modules/claims/claims.schemas.js';
import { createClaimsService } from '../modules/claims/claims.service.js';
import { createEventsRepository } from '../modules/events/events.repository.js';
import { CreateEventBody } from '../modules/events/events.schemas.js';
import { SYSTEM_PRINCIPAL } from '../modules/keys/keys.service.js';
import { createSourcesRepository } from '../modules/sources/sources.repository.js';
import { CreateSourceBody } from '../modules/sources/sources.schemas.js';
import { seedsDir } from '../paths.js';

// A seed file names records by seed-local keys; the loader turns them into ids and then
// validates every record with the same body schema the API uses, so seeds obey the API's rules.
const key = z.string().regex(/^[a-z0-9-]+$/);
const SeedFileSchema = z.object({
  name: z.string().min(1),
  actors: z.array(z.looseObject({ key, parent: key.nullable() })),
  sources: z.array(z.looseObject({ key, file: z.string(), publisher: key.nullable() })),
  events: z.array(
    z.looseObject({
      key,
      parent: key.nullable(),
      parties: z.array(z.object({ actor: key, role: z.string() })).optional(),
    }),
  ),
  claims: z.array(
    z.looseObject({
      key,
      source: key,
      claimant: key.nullable(),
      event: key.nullable(),
      reportedVia: z.array(key),
    }),
  ),
  attributions: z.array(z.looseObject({ event: key, actor: key, claim: key })),
  links: z.array(z.looseObject({ from: key, to: key })),
});

export type SeedFile = z.infer<typeof SeedFileSchema>;

export interface SeedResult {
  name: string;
  loaded: boolean;
  counts: Record<'actors' | 'sources' | 'events' | 'claims' | 'attributions' | 'links', number>;
}

export const DEFAULT_SEED_FILE = join(seedsDir, 'isfahan.json');

const strip = <T extends Record<string, unknown>, K extends string>(record: T, ...keys: K[]) => {
  const out: Record<string, unknown> = { ...record };
  for (const k of keys) delete out[k];
  return out;
};

function lookup(ids: Map<string, number>, what: string, k: string): number {
  const id = ids.get(k);
  if (id === undefined) throw new Error(`seed refers to unknown ${what} "${k}"`);
  return id;
}

/** Creates records whose parent is listed later in the file once their parent exists. */
function inParentOrder<T extends { key: string; parent: string | null }>(records: T[]): T[] {
  const done = new Set<string>();
  const ordered: T[] = [];
  let pending = records;
  while (pending.length > 0) {
    const ready = pending.filter((r) => r.parent === null || done.has(r.parent));
    if (ready.length === 0)
      throw new Error(`seed parents form a cycle or are missing: ${pending.map((r) => r.key).join(', ')}`);
    for (const r of ready) {
      done.add(r.key);
      ordered.push(r);
    }
    pending = pending.filter((r) => !done.has(r.key));
  }
  return ordered;
}

/**
 * Loads a curated seed file through the same repositories and services as the API, in one transaction.
 * Loading is idempotent: a seed set already recorded in `seed_loads` is left as it is.
 */
export function loadSeedFile(db: Db, path: string = DEFAULT_SEED_FILE): SeedResult {
  const raw = readFileSync(path, 'utf8');
  const seed = SeedFileSchema.parse(JSON.parse(raw));
  const counts = {
    actors: seed.actors.length,
    sources: seed.sources.length,
    events: seed.events.length,
    claims: seed.claims.length,
    attributions: seed.attributions.length,
    links: seed.links.length,
  };
  const dir = join(path, '..');

  return db.transaction(() => {
    if (db.select().from(seedLoads).where(eq(seedLoads.name, seed.name)).get()) {
      return { name: seed.name, loaded: false, counts };
    }
    const actors = createActorsRepository(db);
    const sources = createSourcesRepository(db);
    const events = createEventsRepository(db);
    const claims = createClaimsService(db);
    const attributions = createAttributionsRepository(db);
    const links = createClaimLinksRepository(db);
    const audit = createAuditService(db);
    // Seeded records have a history like any other: created by the system, from this seed file.
    const audited = <T extends { id: number }>(resource: string, record: T): T => {
      audit.record({
        principal: { ...SYSTEM_PRINCIPAL, label: `seed ${seed.name}` },
        resource,
        resourceId: record.id,
        operation: 'create',
        before: null,
        after: record,
      });
      return record;
    };
    const ids = { actor: new Map<string, number>(), source: new Map(), event: new Map(), claim: new Map() };

    for (const a of inParentOrder(seed.actors)) {
      const body = CreateActorBody.parse({
        ...strip(a, 'key', 'parent'),
        parentId: a.parent === null ? null : lookup(ids.actor, 'actor', a.parent),
      });
      ids.actor.set(a.key, audited('actor', actors.create(body)).id);
    }
    for (const s of seed.sources) {
      const body = CreateSourceBody.parse({
        ...strip(s, 'key', 'file', 'publisher'),
        text: readFileSync(join(dir, s.file), 'utf8'),
        publisherId: s.publisher === null ? null : lookup(ids.actor, 'actor', s.publisher),
      });
      ids.source.set(s.key, audited('source', sources.create(body)).id);
    }
    for (const e of inParentOrder(seed.events)) {
      const body = CreateEventBody.parse({
        ...strip(e, 'key', 'parent', 'parties'),
        parentId: e.parent === null ? null : lookup(ids.event, 'event', e.parent),
        parties: (e.parties ?? []).map((p) => ({
          actorId: lookup(ids.actor, 'actor', p.actor),
          role: p.role,
        })),
      });
      ids.event.set(e.key, audited('event', events.create(body)).id);
    }
    for (const c of seed.claims) {
      const body = CreateClaimBody.parse({
        ...strip(c, 'key', 'source', 'claimant', 'event', 'reportedVia'),
        sourceId: lookup(ids.source, 'source', c.source),
        claimantId: c.claimant === null ? null : lookup(ids.actor, 'actor', c.claimant),
        eventId: c.event === null ? null : lookup(ids.event, 'event', c.event),
        reportedViaIds: c.reportedVia.map((k) => lookup(ids.actor, 'actor', k)),
      });
      try {
        ids.claim.set(c.key, audited('claim', claims.create(body)).id);
      } catch (err) {
        throw new Error(`seed claim "${c.key}" could not be stored: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
    for (const a of seed.attributions) {
      audited(
        'attribution',
        attributions.create(
          CreateAttributionBody.parse({
            ...strip(a, 'event', 'actor', 'claim'),
            eventId: lookup(ids.event, 'event', a.event),
            actorId: lookup(ids.actor, 'actor', a.actor),
            claimId: lookup(ids.claim, 'claim', a.claim),
          }),
        ),
      );
    }
    for (const l of seed.links) {
      audited(
        'claimLink',
        links.create(
          CreateClaimLinkBody.parse({
            ...strip(l, 'from', 'to'),
            fromClaimId: lookup(ids.claim, 'claim', l.from),
            toClaimId: lookup(ids.claim, 'claim', l.to),
          }),
        ),
      );
    }
    db.insert(seedLoads)
      .values({ name: seed.name, sha256: createHash('sha256').update(raw).digest('hex'), loadedAt: nowIso() })
      .run();
    return { name: seed.name, loaded: true, counts };
  });
}
