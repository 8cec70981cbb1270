/**
 * The records every export mapper reads: the API's own shapes (a claim as `GET /claims/{id}` answers it),
 * declared here structurally so that the mappers stay pure (no module, HTTP or SQL imports).
 */

export interface ActorRef {
  id: number;
  name: string;
  kind: string;
}

export interface ExportActor extends ActorRef {
  description: string | null;
  wikidataId: string | null;
  parentId: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface ExportSource {
  id: number;
  title: string;
  url: string | null;
  publisherId: number | null;
  copyOfId: number | null;
  publishedAt: string | null;
  retrievedAt: string;
  language: string | null;
  kind: string;
  sha256: string;
  createdAt: string;
  updatedAt: string;
}

export interface ExportGrade {
  grade: string;
  gradedBy: string;
  gradedAt: string;
  rationale: string | null;
}

export interface ExportClaim {
  id: number;
  text: string;
  stance: string;
  modality: string;
  statedAt: string | null;
  claimant: ActorRef | null;
  source: { id: number; title: string; url: string | null; publishedAt: string | null };
  event: { id: number; title: string } | null;
  reportedVia: ActorRef[];
  quote: { exact: string; prefix: string; suffix: string; start: number; end: number; verified: boolean };
  credibility: ExportGrade | null;
  retraction: { retractedAt: string; retractedBy: string; reason: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface ExportAttribution {
  id: number;
  claimId: number;
  event: { id: number; title: string };
  /** The actor held responsible; null when the claim holds nobody responsible (`no_attribution`). */
  actor: ActorRef | null;
  role: string;
  position: string;
  createdAt: string;
  updatedAt: string;
}

export interface ExportEvent {
  id: number;
  title: string;
  summary: string | null;
  kind: string;
  startsAt: string | null;
  endsAt: string | null;
  placeName: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What one export covers: one claim, or every claim of an event, with the records they refer to. */
export interface ExportInput {
  /** The IRI base of this service, without a trailing slash: `https://ledger.example.org`. */
  baseUrl: string;
  /** The event being exported, or null for a one-claim export. */
  event: ExportEvent | null;
  claims: ExportClaim[];
  attributions: ExportAttribution[];
  actors: Map<number, ExportActor>;
  sources: Map<number, ExportSource>;
  /** Every event the claims and attributions name (the exported one included). */
  events: Map<number, ExportEvent>;
}

export const iri = {
  claim: (base: string, id: number) => `${base}/claims/${id}`,
  source: (base: string, id: number) => `${base}/sources/${id}`,
  actor: (base: string, id: number) => `${base}/actors/${id}`,
  event: (base: string, id: number) => `${base}/events/${id}`,
  attribution: (base: string, id: number) => `${base}/attributions/${id}`,
};

/** Who speaks in a claim: its claimant, or for a claim in the source's own voice the source's publisher. */
export function speakerOf(claim: ExportClaim, input: ExportInput): ActorRef | null {
  if (claim.claimant) return claim.claimant;
  const publisherId = input.sources.get(claim.source.id)?.publisherId ?? null;
  return publisherId === null ? null : (input.actors.get(publisherId) ?? null);
}
