import {
  type ActorRef,
  type ExportAttribution,
  type ExportClaim,
  type ExportEvent,
  type ExportInput,
  type ExportSource,
  iri,
  speakerOf,
} from './types.js';
import { uuidv5 } from './uuid.js';

/**
 * STIX 2.1: a bundle in which
 * - each actor is an `identity` (class from its kind: a person is an `individual`, a group or channel a
 *   `group`, everything else an `organization`; sectors for states, bodies, militaries and outlets);
 * - each event is an `incident`, each source a `report` (the document: its kind as report type, title,
 *   publication time, URL and SHA-256 as an external reference);
 * - each claim is a `note` whose content is the claim's text, with the claim extension below (speaker,
 *   stance, quote, chain, attributions), and an `opinion` of its speaker where the stance maps to one
 *   (asserts and downplays: agree; speculates: neutral; denies: disagree; declines_to_comment: none);
 * - each attribution that names an actor is a `relationship` from the incident to the identity:
 *   `attributed-to` when the claim asserts it, `related-to` otherwise (denies, speculates, declines), with
 *   the position in the extension. An attribution that holds nobody responsible has no relationship and
 *   is listed in its note's extension only.
 * Ids are UUIDv5 of the record's IRI, so the same record exports to the same id every time.
 */
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

const SPEC = '2.1';
/** When the producer identity and the extension definition were first published. */
const DEFINED_AT = '2026-12-01T00:00:00.000Z';
export const PRODUCER_ID = `identity--${uuidv5('urn:claimledger:stix:producer')}`;
export const CLAIM_EXTENSION_ID = `extension-definition--${uuidv5('urn:claimledger:stix:claim-extension:v1')}`;

export const CLAIM_EXTENSION_SCHEMA = [
  'claimledger claim extension, version 1.0 (a property-extension of note, opinion and relationship objects).',
  'On a note (one claim): claim_url (string, the claim in the claimledger API), stance (asserts | denies | downplays | speculates | declines_to_comment),',
  'modality (direct_quote | paraphrase), speaker_ref (identity id of the claimant, or of the source publisher when the source speaks in its own voice; absent when unknown),',
  'speaker_name (string), own_voice (boolean: the source speaks in its own voice), relay_refs (identity ids, in order, that the statement passed through),',
  'source_ref (report id of the document), quote (object: exact, prefix, suffix (strings); start, end (integers: Unicode code point offsets in the stored source text, end exclusive); verified (boolean)),',
  'stated_at (timestamp), credibility (object: grade "1" to "6" on the Admiralty scale, graded_by, graded_at, rationale), retracted (boolean),',
  'attributions (array of objects: position (asserts | denies | speculates | declines_to_comment | no_attribution), role, incident_ref, identity_ref (absent when nobody is held responsible)).',
  'On an opinion: stance (as on the note). On a relationship (an attribution): position, role, claim_ref (the note of the claim that makes it).',
].join(' ');

type Json = Record<string, unknown>;

const IDENTITY_CLASS: Record<string, string> = {
  person: 'individual',
  group: 'group',
  social_channel: 'group',
};
const SECTORS: Record<string, string[]> = {
  state: ['government-national'],
  government_body: ['government'],
  military: ['defense'],
  media_outlet: ['communications'],
};
const OPINION: Record<string, string> = {
  asserts: 'agree',
  downplays: 'agree',
  speculates: 'neutral',
  denies: 'disagree',
};

/** Leaves out nulls, undefineds and empty arrays, which STIX does not allow as property values. */
function compact(o: Json): Json {
  return Object.fromEntries(
    Object.entries(o).filter(
      ([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0),
    ),
  );
}

const common = (type: string, name: string, created: string, modified: string) => ({
  type,
  spec_version: SPEC,
  id: `${type}--${uuidv5(name)}`,
  created,
  modified,
  created_by_ref: PRODUCER_ID,
});

function producer(): Json {
  return {
    type: 'identity',
    spec_version: SPEC,
    id: PRODUCER_ID,
    created: DEFINED_AT,
    modified: DEFINED_AT,
    name: 'claimledger',
    identity_class: 'system',
    description: 'The claim-and-source ledger that produced these objects.',
  };
}

function extensionDefinition(): Json {
  return {
    type: 'extension-definition',
    spec_version: SPEC,
    id: CLAIM_EXTENSION_ID,
    created: DEFINED_AT,
    modified: DEFINED_AT,
    created_by_ref: PRODUCER_ID,
    name: 'claimledger claim',
    description:
      'Who said a claim, with which stance, in which exact words of which document, through whom it travelled, and whom it holds responsible.',
    schema: CLAIM_EXTENSION_SCHEMA,
    version: '1.0',
    extension_types: ['property-extension'],
  };
}

const extension = (properties: Json) => ({
  [CLAIM_EXTENSION_ID]: { extension_type: 'property-extension', ...compact(properties) },
});

export function toStixBundle(input: ExportInput, exportIri: string): Json {
  const base = input.baseUrl;
  const identityId = (id: number) => `identity--${uuidv5(iri.actor(base, id))}`;
  const incidentId = (id: number) => `incident--${uuidv5(iri.event(base, id))}`;
  const reportId = (id: number) => `report--${uuidv5(iri.source(base, id))}`;
  const noteId = (id: number) => `note--${uuidv5(iri.claim(base, id))}`;
  const relationshipId = (id: number) => `relationship--${uuidv5(iri.attribution(base, id))}`;

  const objects = new Map<string, Json>();
  const add = (o: Json) => objects.set(o.id as string, o);
  add(producer());
  add(extensionDefinition());

  const identity = (ref: ActorRef): string => {
    const id = identityId(ref.id);
    if (objects.has(id)) return id;
    const actor = input.actors.get(ref.id);
    add(
      compact({
        ...common(
          'identity',
          iri.actor(base, ref.id),
          actor?.createdAt ?? DEFINED_AT,
          actor?.updatedAt ?? DEFINED_AT,
        ),
        name: ref.name,
        description: actor?.description,
        identity_class: IDENTITY_CLASS[ref.kind] ?? 'organization',
        sectors: SECTORS[ref.kind],
        external_references: actor?.wikidataId
          ? [
              {
                source_name: 'wikidata',
                external_id: actor.wikidataId,
                url: `https://www.wikidata.org/wiki/${actor.wikidataId}`,
              },
            ]
          : undefined,
      }),
    );
    return id;
  };

  const incident = (event: { id: number; title: string }): string => {
    const id = incidentId(event.id);
    if (objects.has(id)) return id;
    const full: ExportEvent | undefined = input.events.get(event.id);
    add(
      compact({
        ...common(
          'incident',
          iri.event(base, event.id),
          full?.createdAt ?? DEFINED_AT,
          full?.updatedAt ?? DEFINED_AT,
        ),
        name: event.title,
        description: full?.summary,
        external_references: [
          { source_name: 'claimledger', url: iri.event(base, event.id), external_id: String(event.id) },
        ],
      }),
    );
    return id;
  };

  // Reports list what they hold; filled in as the claims are mapped.
  const reportObjects = new Map<number, Set<string>>();
  const report = (source: ExportSource | undefined, ref: ExportClaim['source']): string => {
    const id = reportId(ref.id);
    if (!reportObjects.has(ref.id)) {
      reportObjects.set(ref.id, new Set());
      const publisher = source?.publisherId != null ? input.actors.get(source.publisherId) : undefined;
      add(
        compact({
          ...common(
            'report',
            iri.source(base, ref.id),
            source?.createdAt ?? DEFINED_AT,
            source?.updatedAt ?? DEFINED_AT,
          ),
          name: ref.title,
          published: source?.publishedAt ?? source?.retrievedAt ?? source?.createdAt ?? DEFINED_AT,
          // An open vocabulary: the document's own kind says more than any of its suggested values.
          report_types: [(source?.kind ?? 'other').replaceAll('_', '-')],
          lang: source?.language,
          description: publisher ? `Published by ${publisher.name}.` : undefined,
          external_references: [
            compact({
              source_name: 'claimledger',
              external_id: String(ref.id),
              url: source?.url ?? iri.source(base, ref.id),
              description: source?.url
                ? 'The document as published.'
                : 'The document as stored by claimledger.',
              hashes: source ? { 'SHA-256': source.sha256 } : undefined,
            }),
          ],
          object_refs: [] as string[],
        }),
      );
      if (publisher) reportObjects.get(ref.id)?.add(identity(publisher));
    }
    return id;
  };

  const attributionsByClaim = new Map<number, ExportAttribution[]>();
  for (const a of input.attributions) {
    const list = attributionsByClaim.get(a.claimId) ?? [];
    list.push(a);
    attributionsByClaim.set(a.claimId, list);
  }

  for (const claim of input.claims) {
    const source = input.sources.get(claim.source.id);
    const speaker = speakerOf(claim, input);
    const speakerRef = speaker ? identity(speaker) : undefined;
    const relayRefs = claim.reportedVia.map(identity);
    const reportRef = report(source, claim.source);
    const eventRef = claim.event ? incident(claim.event) : undefined;
    const note = noteId(claim.id);
    const refs = new Set<string>([reportRef]);
    if (eventRef) refs.add(eventRef);
    if (speakerRef) refs.add(speakerRef);
    for (const r of relayRefs) refs.add(r);

    const attributions = (attributionsByClaim.get(claim.id) ?? []).map((a) => {
      const incidentRef = incident(a.event);
      const target = a.actor ? identity(a.actor) : undefined;
      if (target) {
        const rel = relationshipId(a.id);
        add(
          compact({
            ...common('relationship', iri.attribution(base, a.id), a.createdAt, a.updatedAt),
            relationship_type: a.position === 'asserts' ? 'attributed-to' : 'related-to',
            source_ref: incidentRef,
            target_ref: target,
            description: `${speaker?.name ?? claim.source.title}: ${a.actor?.name} — ${a.position.replaceAll('_', ' ')} (${a.role}), in “${claim.quote.exact}”.`,
            extensions: extension({ position: a.position, role: a.role, claim_ref: note }),
          }),
        );
        refs.add(rel);
      }
      refs.add(incidentRef);
      return compact({ position: a.position, role: a.role, incident_ref: incidentRef, identity_ref: target });
    });

    add(
      compact({
        ...common('note', iri.claim(base, claim.id), claim.createdAt, claim.updatedAt),
        abstract: `${speaker?.name ?? claim.source.title} ${claim.stance.replaceAll('_', ' ')}`,
        content: claim.text,
        lang: source?.language,
        object_refs: [...refs],
        external_references: [
          { source_name: 'claimledger', url: iri.claim(base, claim.id), external_id: String(claim.id) },
        ],
        extensions: extension({
          claim_url: iri.claim(base, claim.id),
          stance: claim.stance,
          modality: claim.modality,
          speaker_ref: speakerRef,
          speaker_name: speaker?.name,
          own_voice: claim.claimant === null,
          relay_refs: relayRefs,
          source_ref: reportRef,
          quote: claim.quote,
          stated_at: claim.statedAt,
          credibility: claim.credibility
            ? compact({
                grade: claim.credibility.grade,
                graded_by: claim.credibility.gradedBy,
                graded_at: claim.credibility.gradedAt,
                rationale: claim.credibility.rationale,
              })
            : undefined,
          retracted: claim.retraction !== null,
          attributions,
        }),
      }),
    );
    reportObjects.get(claim.source.id)?.add(note);
    for (const r of refs) if (r !== reportRef) reportObjects.get(claim.source.id)?.add(r);

    const opinion = OPINION[claim.stance];
    if (opinion) {
      add(
        compact({
          ...common('opinion', `${iri.claim(base, claim.id)}#opinion`, claim.createdAt, claim.updatedAt),
          opinion,
          authors: speaker ? [speaker.name] : undefined,
          explanation: `${speaker?.name ?? claim.source.title} ${claim.stance.replaceAll('_', ' ')}: “${claim.quote.exact}”.`,
          object_refs: [note],
          extensions: extension({ stance: claim.stance }),
        }),
      );
    }
  }

  for (const [sourceId, refs] of reportObjects) {
    const r = objects.get(reportId(sourceId));
    if (r) r.object_refs = [...refs];
  }

  return { type: 'bundle', id: `bundle--${uuidv5(exportIri)}`, objects: [...objects.values()] };
}
