import { type ExportClaim, type ExportInput, iri, speakerOf } from './types.js';

/**
 * W3C Web Annotation (JSON-LD): one Annotation per claim, its target the claim's quote in the stored source
 * text (TextQuoteSelector and TextPositionSelector; positions count Unicode code points, as the model
 * requires), its bodies the claim's text (`describing`), its stance (`classifying`) and its speaker
 * (`identifying`). An event is an AnnotationCollection whose first page holds every annotation.
 */
export const ANNOTATION_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';
export const ANNOTATION_MEDIA_TYPE = `application/ld+json; profile="${ANNOTATION_CONTEXT}"`;

type Json = Record<string, unknown>;

/** One claim's annotation, without `@context` (as an item of a collection page). */
export function annotationOf(claim: ExportClaim, input: ExportInput): Json {
  const base = input.baseUrl;
  const source = input.sources.get(claim.source.id);
  const speaker = speakerOf(claim, input);
  const body: Json[] = [
    { type: 'TextualBody', purpose: 'describing', value: claim.text, format: 'text/plain' },
    { type: 'TextualBody', purpose: 'classifying', value: claim.stance, format: 'text/plain' },
  ];
  if (speaker) {
    body.push({
      type: 'TextualBody',
      purpose: 'identifying',
      value: speaker.name,
      format: 'text/plain',
    });
  }
  const target: Json = {
    type: 'SpecificResource',
    source: iri.source(base, claim.source.id),
    selector: [
      {
        type: 'TextQuoteSelector',
        exact: claim.quote.exact,
        prefix: claim.quote.prefix,
        suffix: claim.quote.suffix,
      },
      { type: 'TextPositionSelector', start: claim.quote.start, end: claim.quote.end },
    ],
  };
  if (source?.language) target.language = source.language;
  return {
    id: `${iri.claim(base, claim.id)}/export/annotation`,
    type: 'Annotation',
    motivation: 'describing',
    created: claim.createdAt,
    modified: claim.updatedAt,
    generator: { id: base, type: 'Software', name: 'claimledger' },
    body,
    target,
  };
}

export function toWebAnnotation(claim: ExportClaim, input: ExportInput): Json {
  return { '@context': ANNOTATION_CONTEXT, ...annotationOf(claim, input) };
}

/**
 * The collection of an event's annotations without its items: `first` is the one page that holds them
 * all (absent when there are none). Items go in `first.items`.
 */
export function annotationCollectionOf(
  baseUrl: string,
  event: { id: number; title: string },
  total: number,
): { collection: Json; page: Json | null } {
  const id = `${iri.event(baseUrl, event.id)}/export/annotation`;
  const collection = {
    '@context': ANNOTATION_CONTEXT,
    id,
    type: 'AnnotationCollection',
    label: event.title,
    total,
  };
  const page = total > 0 ? { id: `${id}#page-1`, type: 'AnnotationPage', partOf: id, startIndex: 0 } : null;
  return { collection, page };
}

export function toAnnotationCollection(input: ExportInput): Json {
  const event = input.event;
  if (!event) throw new Error('An annotation collection is made for an event');
  const items = input.claims.map((c) => annotationOf(c, input));
  const { collection, page } = annotationCollectionOf(input.baseUrl, event, items.length);
  return page ? { ...collection, first: { ...page, items } } : collection;
}
