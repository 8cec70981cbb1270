import { toClaimReviewGraph } from '../../domain/exports/claimreview.js';
import { toProv } from '../../domain/exports/prov.js';
import { toStixBundle } from '../../domain/exports/stix.js';
import type { ExportEvent, ExportInput } from '../../domain/exports/types.js';
import { uuidv5 } from '../../domain/exports/uuid.js';
import { annotationCollectionOf, annotationOf } from '../../domain/exports/web-annotation.js';

type Json = Record<string, unknown>;

/** Pages of an event's claims, each with what it refers to, as the exports repository reads them. */
export type EventPages = () => AsyncGenerator<ExportInput> | Generator<ExportInput>;

const CHUNK_CHARS = 16 * 1024;

/** Joins small pieces of JSON text into chunks of about 16 KB, as lists do. */
async function* chunked(pieces: AsyncGenerator<string>): AsyncGenerator<string> {
  let chunk = '';
  for await (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** `{"a":1,` of `{"a":1}`: an object opened, to write more members into. */
const open = (o: Json) => `${JSON.stringify(o).slice(0, -1)}${Object.keys(o).length > 0 ? ',' : ''}`;

/** A JSON array written element by element. */
function arrayWriter() {
  let first = true;
  return (value: unknown) => {
    const text = `${first ? '' : ','}${JSON.stringify(value)}`;
    first = false;
    return text;
  };
}

/**
 * The documents of a whole event, written a page of claims at a time so that memory stays at about a page
 * whatever the size of the event. Each page is mapped by the same pure mappers as a single claim; what
 * several pages share (actors, events, sources) is written once.
 */
export function eventDocument(
  format: 'annotation' | 'stix' | 'prov' | 'claimreview',
  context: { baseUrl: string; event: ExportEvent; total: number; exportIri: string },
  pages: EventPages,
): AsyncGenerator<string> {
  const writers = { annotation, stix, prov, claimreview };
  return chunked(writers[format](context, pages));
}

async function* annotation(
  context: { baseUrl: string; event: ExportEvent; total: number },
  pages: EventPages,
) {
  const { collection, page } = annotationCollectionOf(context.baseUrl, context.event, context.total);
  if (!page) {
    yield JSON.stringify(collection);
    return;
  }
  yield `${open(collection)}"first":${open(page)}"items":[`;
  const item = arrayWriter();
  for await (const input of pages()) for (const claim of input.claims) yield item(annotationOf(claim, input));
  yield ']}}';
}

async function* stix(context: { exportIri: string }, pages: EventPages) {
  yield `{"type":"bundle","id":"bundle--${uuidv5(context.exportIri)}","objects":[`;
  const item = arrayWriter();
  const written = new Set<string>();
  // A report lists the claims of its source that the bundle holds: written last, with every page's refs.
  const reports = new Map<string, { report: Json; refs: Set<string> }>();
  for await (const input of pages()) {
    const bundle = toStixBundle(input, context.exportIri) as { objects: Json[] };
    for (const object of bundle.objects) {
      const id = object.id as string;
      if (object.type === 'report') {
        const seen = reports.get(id) ?? { report: object, refs: new Set<string>() };
        for (const ref of object.object_refs as string[]) seen.refs.add(ref);
        reports.set(id, seen);
      } else if (!written.has(id)) {
        written.add(id);
        yield item(object);
      }
    }
  }
  for (const { report, refs } of reports.values()) yield item({ ...report, object_refs: [...refs] });
  yield ']}';
}

const PROV_SECTIONS = ['entity', 'agent', 'wasAttributedTo', 'wasDerivedFrom', 'wasGeneratedBy'] as const;

async function* prov(context: { baseUrl: string }, pages: EventPages) {
  // PROV-JSON groups records by kind, so the claims are read once per kind of record.
  const prefix = toProv({
    baseUrl: context.baseUrl,
    event: null,
    claims: [],
    attributions: [],
    actors: new Map(),
    sources: new Map(),
    events: new Map(),
  }).prefix;
  yield `{"prefix":${JSON.stringify(prefix)}`;
  for (const section of PROV_SECTIONS) {
    const written = new Set<string>();
    for await (const input of pages()) {
      const records = (toProv(input)[section] ?? {}) as Record<string, unknown>;
      for (const [id, record] of Object.entries(records)) {
        if (written.has(id)) continue;
        yield `${written.size === 0 ? `,${JSON.stringify(section)}:{` : ','}${JSON.stringify(id)}:${JSON.stringify(record)}`;
        written.add(id);
      }
    }
    if (written.size > 0) yield '}';
  }
  yield '}';
}

async function* claimreview(_context: unknown, pages: EventPages) {
  yield '{"@context":"https://schema.org","@graph":[';
  const item = arrayWriter();
  for await (const input of pages()) {
    for (const review of toClaimReviewGraph(input).document['@graph'] as Json[]) yield item(review);
  }
  yield ']}';
}
