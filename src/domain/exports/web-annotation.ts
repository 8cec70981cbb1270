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

function annotationOf(claim: ExportClaim, input: ExportInput): Json {
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

export function toAnnotationCollection(input: ExportInput): Json {
  const event = input.event;
  if (!event) throw new Error('An annotation collection is made for an event');
  const id = `${iri.event(input.baseUrl, event.id)}/export/annotation`;
  const items = input.claims.map((c) => annotationOf(c, input));
  return {
    '@context': ANNOTATION_CONTEXT,
    id,
    type: 'AnnotationCollection',
    label: event.title,
    total: items.length,
    ...(items.length > 0
      ? { first: { id: `${id}#page-1`, type: 'AnnotationPage', partOf: id, startIndex: 0, items } }
      : {}),
  };
}
