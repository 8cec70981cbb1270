import { type ActorRef, type ExportInput, iri, speakerOf } from './types.js';

/**
 * W3C PROV-JSON (the W3C member submission's serialization of PROV-DM):
 * - each source document is an entity (`clt:Source`), attributed to its publisher and derived from the
 *   source it copies;
 * - each claim's statement is an entity (`clt:Statement`) attributed to its claimant (or, in the source's
 *   own voice, to the publisher), generated when it was stated;
 * - each step of its chain is an entity `…/via/<n>` attributed to the relay and derived from the step
 *   before, so that `wasDerivedFrom` runs claimant -> relays -> quote;
 * - the quote is an entity (`clt:Quote`, with its exact words and code-point offsets) derived from the
 *   source with `prov:type` `prov:Quotation`, and from the last step of the chain;
 * - actors are agents: `prov:Person` for people, `prov:Organization` for every other kind.
 * Responsibility for an event (attributions) is not provenance and is not part of this export.
 */
export const PROV_MEDIA_TYPE = 'application/json';

type Json = Record<string, unknown>;

/** Vocabulary for what PROV itself has no term for. */
export const CLAIMLEDGER_TERMS = 'urn:claimledger:terms#';

const qname = (name: string) => ({ $: name, type: 'prov:QUALIFIED_NAME' });
const typed = (value: string, type: string) => ({ $: value, type });

export function toProv(input: ExportInput): Json {
  const base = input.baseUrl;
  const local = (resourceIri: string) => `cl:${resourceIri.slice(base.length + 1)}`;
  const entity: Record<string, Json> = {};
  const agent: Record<string, Json> = {};
  const wasAttributedTo: Record<string, Json> = {};
  const wasDerivedFrom: Record<string, Json> = {};
  const wasGeneratedBy: Record<string, Json> = {};
  // Relation ids are made from what they relate, so that the same relation gets the same id in every
  // document (and in every part of a document written a page of claims at a time).
  const blank = (kind: string, ...ends: string[]) =>
    `_:${kind}-${ends.map((e) => e.replace(/^cl:/, '').replace(/[^A-Za-z0-9]+/g, '-')).join('-')}`;

  const agentOf = (ref: ActorRef): string => {
    const id = local(iri.actor(base, ref.id));
    if (!agent[id]) {
      const actor = input.actors.get(ref.id);
      agent[id] = {
        'prov:type': qname(ref.kind === 'person' ? 'prov:Person' : 'prov:Organization'),
        'prov:label': ref.name,
        'clt:kind': ref.kind,
        ...(actor?.wikidataId
          ? { 'prov:location': typed(`http://www.wikidata.org/entity/${actor.wikidataId}`, 'xsd:anyURI') }
          : {}),
      };
    }
    return id;
  };
  const attribute = (entityId: string, agentId: string) => {
    wasAttributedTo[blank('attributed', entityId, agentId)] = {
      'prov:entity': entityId,
      'prov:agent': agentId,
    };
  };
  const derive = (generated: string, used: string, type?: string) => {
    wasDerivedFrom[blank('derived', generated, used)] = {
      'prov:generatedEntity': generated,
      'prov:usedEntity': used,
      ...(type ? { 'prov:type': qname(type) } : {}),
    };
  };
  const generated = (entityId: string, time: string | null) => {
    if (time) wasGeneratedBy[blank('generated', entityId)] = { 'prov:entity': entityId, 'prov:time': time };
  };

  const sourceEntity = (sourceId: number, title: string): string => {
    const id = local(iri.source(base, sourceId));
    if (entity[id]) return id;
    const source = input.sources.get(sourceId);
    entity[id] = {
      'prov:type': qname('clt:Source'),
      'prov:label': title,
      ...(source?.url ? { 'prov:location': typed(source.url, 'xsd:anyURI') } : {}),
      ...(source ? { 'clt:sha256': source.sha256, 'clt:kind': source.kind } : {}),
      ...(source?.language ? { 'clt:language': source.language } : {}),
    };
    generated(id, source?.publishedAt ?? null);
    const publisher = source?.publisherId != null ? input.actors.get(source.publisherId) : undefined;
    if (publisher) attribute(id, agentOf(publisher));
    if (source?.copyOfId != null) {
      const original = input.sources.get(source.copyOfId);
      derive(id, sourceEntity(source.copyOfId, original?.title ?? `Source ${source.copyOfId}`));
    }
    return id;
  };

  for (const claim of input.claims) {
    const claimIri = iri.claim(base, claim.id);
    const source = sourceEntity(claim.source.id, claim.source.title);
    const statement = local(claimIri);
    entity[statement] = {
      'prov:type': qname('clt:Statement'),
      'prov:label': claim.text,
      'clt:stance': claim.stance,
      'clt:modality': claim.modality,
      ...(claim.retraction ? { 'clt:retracted': true } : {}),
    };
    generated(statement, claim.statedAt);
    const speaker = speakerOf(claim, input);
    if (speaker) attribute(statement, agentOf(speaker));

    let previous = statement;
    claim.reportedVia.forEach((relay, i) => {
      const step = local(`${claimIri}/via/${i + 1}`);
      entity[step] = {
        'prov:type': qname('clt:Relay'),
        'prov:label': `${claim.text} (as relayed by ${relay.name})`,
      };
      attribute(step, agentOf(relay));
      derive(step, previous);
      previous = step;
    });

    const quote = local(`${claimIri}/quote`);
    entity[quote] = {
      'prov:type': qname('clt:Quote'),
      'prov:value': claim.quote.exact,
      'clt:prefix': claim.quote.prefix,
      'clt:suffix': claim.quote.suffix,
      'clt:start': claim.quote.start,
      'clt:end': claim.quote.end,
      'clt:verified': claim.quote.verified,
    };
    derive(quote, source, 'prov:Quotation');
    derive(quote, previous);
  }

  const sections = { entity, agent, wasAttributedTo, wasDerivedFrom, wasGeneratedBy };
  return {
    prefix: { cl: `${base}/`, clt: CLAIMLEDGER_TERMS },
    ...Object.fromEntries(Object.entries(sections).filter(([, v]) => Object.keys(v).length > 0)),
  };
}
