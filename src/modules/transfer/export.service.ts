import type { Db } from '../../db/client.js';
import type { Page } from '../../lib/pagination.js';
import { createActorsRepository } from '../actors/actors.repository.js';
import { createAttributionsRepository } from '../attributions/attributions.repository.js';
import { createClaimLinksRepository } from '../claim-links/claim-links.repository.js';
import { createClaimsRepository } from '../claims/claims.repository.js';
import { createEventsRepository } from '../events/events.repository.js';
import { createSourcesRepository } from '../sources/sources.repository.js';
import {
  lineOf,
  RECORD_TYPES,
  type RecordType,
  selfReferenceIds,
  selfReferences,
} from './transfer.format.js';
import { createTransferRepository } from './transfer.repository.js';

export const EXPORT_PAGE_SIZE = 500;

type Plain = Record<string, unknown> & { id: number };

/** The ref an export gives a record: its type and its id in the exporting database. */
export const exportRef = (type: RecordType, id: number) => `${type}-${id}`;

/** A growable set of record ids, one bit each: which records of a type are already written. */
class IdBits {
  private bits = new Uint8Array(1024);
  add(id: number) {
    const byte = id >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[byte] = (this.bits[byte] as number) | (1 << (id & 7));
  }
  has(id: number) {
    return ((this.bits[id >>> 3] ?? 0) & (1 << (id & 7))) !== 0;
  }
}

/** Every record of each type as its API representation, a page at a time in id order, retracted ones too. */
function pageReaders(db: Db): Record<RecordType, (after: number | undefined) => Page<Plain>> {
  const actors = createActorsRepository(db);
  const sources = createSourcesRepository(db);
  const events = createEventsRepository(db);
  const claims = createClaimsRepository(db);
  const attributions = createAttributionsRepository(db);
  const links = createClaimLinksRepository(db);
  const transfer = createTransferRepository(db);
  const limit = EXPORT_PAGE_SIZE;
  return {
    actor: (after) => actors.list({ limit, after }),
    source: (after) => {
      // Lists leave texts out; the page's texts come in one query.
      const page = sources.list({ limit, after });
      const texts = transfer.sourceTexts(page.data.map((s) => s.id));
      return { ...page, data: page.data.map((s) => ({ ...s, text: texts.get(s.id) ?? '' })) };
    },
    event: (after) => events.list({ limit, after }),
    claim: (after) => claims.list({ limit, after, includeRetracted: true }),
    attribution: (after) => attributions.list({ limit, after, includeRetracted: true }),
    claim_link: (after) => links.list({ limit, after }),
  };
}

/**
 * The whole record as import lines, ordered so that every line refers only to lines before it: actors,
 * sources, events, claims, attributions, claim links; within a type in id order, except that a record
 * whose parent (or original, for a copied source) comes later in id order waits until it has been
 * written. Memory stays bounded: one page of records, a bit per id of the hierarchical types, and the
 * rare records that wait for their parent.
 */
export function* exportRecords(db: Db): Generator<Record<string, unknown>> {
  const readers = pageReaders(db);
  for (const type of RECORD_TYPES) {
    const hierarchical = selfReferences(type).length > 0;
    const written = new IdBits();
    let waiting: Plain[] = [];
    const ready = (item: Plain) => selfReferenceIds(type, item).every((id) => written.has(id));
    const emit = (item: Plain) => {
      if (hierarchical) written.add(item.id);
      return lineOf(type, item.id, item, exportRef);
    };
    let after: number | undefined;
    for (;;) {
      const page = readers[type](after);
      for (const item of page.data) {
        if (hierarchical && !ready(item)) waiting.push(item);
        else yield emit(item);
      }
      const last = page.data[page.data.length - 1];
      if (!page.nextCursor || !last) break;
      after = last.id;
    }
    while (waiting.length > 0) {
      const next: Plain[] = [];
      for (const item of waiting) {
        if (ready(item)) yield emit(item);
        else next.push(item);
      }
      if (next.length === waiting.length) {
        throw new Error(`${type} ${next[0]?.id} refers to a ${type} that is missing or part of a cycle`);
      }
      waiting = next;
    }
  }
}

/** The export as NDJSON text lines, each ending in a newline. */
export function* exportNdjson(db: Db): Generator<string> {
  for (const record of exportRecords(db)) yield `${JSON.stringify(record)}\n`;
}

/** How many lines an export of `db` has. */
export function exportSize(db: Db): number {
  return Object.values(createTransferRepository(db).counts()).reduce((a, b) => a + b, 0);
}
