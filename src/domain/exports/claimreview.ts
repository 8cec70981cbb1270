import { type ExportClaim, type ExportInput, iri, speakerOf } from './types.js';

/**
 * schema.org ClaimReview (JSON-LD) of a claim that carries a credibility grade. The Admiralty
 * information-credibility grade becomes the review rating on a 1 (worst) to 5 (best) scale:
 * 1 confirmed by other sources -> 5, 2 probably true -> 4, 3 possibly true -> 3, 4 doubtful -> 2,
 * 5 improbable -> 1, each with the grade's words as `alternateName`. Grade 6 (truth cannot be judged)
 * has no place on that scale: it keeps `alternateName` and leaves the numbers out. The grader is the
 * review's author; the claimant (or the publisher of an own-voice source) the claim's.
 */
export const CLAIMREVIEW_MEDIA_TYPE = 'application/ld+json';

type Json = Record<string, unknown>;

export const CREDIBILITY_RATINGS: Record<string, { value: number | null; name: string }> = {
  '1': { value: 5, name: 'Confirmed by other sources' },
  '2': { value: 4, name: 'Probably true' },
  '3': { value: 3, name: 'Possibly true' },
  '4': { value: 2, name: 'Doubtful' },
  '5': { value: 1, name: 'Improbable' },
  '6': { value: null, name: 'Truth cannot be judged' },
};

const PERSON_KINDS = new Set(['person']);

/** The review of a graded claim, or null when the claim has no credibility grade. */
export function claimReviewOf(claim: ExportClaim, input: ExportInput): Json | null {
  const grade = claim.credibility;
  if (!grade) return null;
  const base = input.baseUrl;
  const rating = CREDIBILITY_RATINGS[grade.grade];
  if (!rating) throw new Error(`Unknown credibility grade ${grade.grade}`);
  const speaker = speakerOf(claim, input);
  const source = input.sources.get(claim.source.id);
  const publisher = source?.publisherId != null ? input.actors.get(source.publisherId) : undefined;
  const wikidata = (id: number) => input.actors.get(id)?.wikidataId;
  const appearance: Json = {
    '@type': 'CreativeWork',
    '@id': iri.source(base, claim.source.id),
    url: source?.url ?? iri.source(base, claim.source.id),
    headline: claim.source.title,
    ...(claim.source.publishedAt ? { datePublished: claim.source.publishedAt } : {}),
    ...(publisher ? { publisher: { '@type': 'Organization', name: publisher.name } } : {}),
    ...(source?.language ? { inLanguage: source.language } : {}),
  };
  const author = speaker
    ? {
        '@type': PERSON_KINDS.has(speaker.kind) ? 'Person' : 'Organization',
        '@id': iri.actor(base, speaker.id),
        name: speaker.name,
        ...(wikidata(speaker.id) ? { sameAs: `https://www.wikidata.org/wiki/${wikidata(speaker.id)}` } : {}),
      }
    : undefined;
  const date = claim.statedAt ?? claim.source.publishedAt;
  return {
    '@type': 'ClaimReview',
    '@id': `${iri.claim(base, claim.id)}/export/claimreview`,
    url: iri.claim(base, claim.id),
    datePublished: grade.gradedAt,
    claimReviewed: claim.text,
    itemReviewed: {
      '@type': 'Claim',
      ...(author ? { author } : {}),
      ...(date ? { datePublished: date } : {}),
      appearance,
      firstAppearance: appearance,
    },
    author: { '@type': 'Person', name: grade.gradedBy },
    reviewRating: {
      '@type': 'Rating',
      alternateName: rating.name,
      name: `Admiralty credibility ${grade.grade}: ${rating.name}`,
      ...(rating.value !== null ? { ratingValue: rating.value, bestRating: 5, worstRating: 1 } : {}),
      ...(grade.rationale ? { ratingExplanation: grade.rationale } : {}),
    },
  };
}

export function toClaimReview(claim: ExportClaim, input: ExportInput): Json | null {
  const review = claimReviewOf(claim, input);
  return review && { '@context': 'https://schema.org', ...review };
}

/** Every graded claim of the export as one JSON-LD graph (claims without a grade are left out). */
export function toClaimReviewGraph(input: ExportInput): { document: Json; reviewed: number } {
  const graph = input.claims.flatMap((c) => {
    const review = claimReviewOf(c, input);
    return review ? [review] : [];
  });
  return { document: { '@context': 'https://schema.org', '@graph': graph }, reviewed: graph.length };
}
