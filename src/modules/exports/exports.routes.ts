import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CLAIMREVIEW_MEDIA_TYPE, toClaimReview } from '../../domain/exports/claimreview.js';
import { PROV_MEDIA_TYPE, toProv } from '../../domain/exports/prov.js';
import { STIX_MEDIA_TYPE, toStixBundle } from '../../domain/exports/stix.js';
import type { ExportClaim, ExportEvent, ExportInput } from '../../domain/exports/types.js';
import { ANNOTATION_MEDIA_TYPE, toWebAnnotation } from '../../domain/exports/web-annotation.js';
import { problem } from '../../errors.js';
import { notModified, problemResponses } from '../../lib/openapi.js';
import { booleanQuery, idParam } from '../../lib/schemas.js';
import { etagOf, isNotModified } from '../../lib/writes.js';
import { createExportsRepository } from './exports.repository.js';
import { eventDocument } from './exports.stream.js';

export const EXPORT_FORMATS = ['annotation', 'stix', 'prov', 'claimreview'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

const format = z
  .enum(EXPORT_FORMATS)
  .describe(
    '`annotation`: W3C Web Annotation (JSON-LD); `stix`: a STIX 2.1 bundle; `prov`: W3C PROV-JSON; `claimreview`: schema.org ClaimReview (JSON-LD), for graded claims only.',
  );

const document = (description: string) => z.record(z.string(), z.unknown()).describe(description);

const FORMATS_DOC = [
  '**annotation** (`application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"`): one Annotation per claim; the target is the quote in the stored source text with a TextQuoteSelector and a TextPositionSelector (positions count Unicode code points), the bodies are the claim text (`describing`), its stance (`classifying`) and its speaker (`identifying`). An event is an AnnotationCollection.',
  '**stix** (`application/stix+json;version=2.1`): a bundle with an identity per actor, an incident per event, a report per source, a note per claim carrying the claimledger claim extension (speaker, stance, quote, chain, attributions; its extension-definition is in the bundle), an opinion where the stance maps (asserts and downplays: agree, speculates: neutral, denies: disagree), and a relationship per attribution (`attributed-to` when asserted, else `related-to`). Ids are UUIDv5 of the records’ IRIs.',
  '**prov** (`application/json`, PROV-JSON): the source as entity, the quote as an entity derived from it (`prov:Quotation`), the claimant and relays as agents, `wasAttributedTo` for each step and `wasDerivedFrom` along the chain.',
  '**claimreview** (`application/ld+json`): schema.org ClaimReview of a claim with a credibility grade; grades 1-5 map to ratings 5-1 (best 5, worst 1) with the grade’s words as `alternateName`; grade 6 has the words only. A claim without a grade is a 404 `CLAIM_NOT_GRADED`.',
].join('\n\n');

const exported = {
  description: 'The export, in the standard’s own media type.',
  content: {
    'application/ld+json': { schema: document('Web Annotation or ClaimReview JSON-LD.') },
    'application/stix+json': { schema: document('A STIX 2.1 bundle.') },
    'application/json': { schema: document('A PROV-JSON document.') },
  },
};

const MEDIA_TYPES: Record<ExportFormat, string> = {
  annotation: ANNOTATION_MEDIA_TYPE,
  stix: STIX_MEDIA_TYPE,
  prov: PROV_MEDIA_TYPE,
  claimreview: CLAIMREVIEW_MEDIA_TYPE,
};

declare module 'fastify' {
  interface FastifyInstance {
    exportSettings: { publicBaseUrl: string | undefined };
  }
}

/** The IRI base of exported documents: PUBLIC_BASE_URL, else the address the request came to. */
function baseUrlOf(request: FastifyRequest): string {
  const configured = request.server.exportSettings.publicBaseUrl;
  return (configured ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

function sendDocument(request: FastifyRequest, reply: FastifyReply, fmt: ExportFormat, body: unknown) {
  const etag = etagOf(body);
  reply.header('etag', etag);
  if (isNotModified(request, etag)) return reply.code(304).send();
  return reply.type(MEDIA_TYPES[fmt]).send(JSON.stringify(body));
}

/** One claim, or a whole event, in the standards other newsroom tools read. */
export const exportsRoutes: FastifyPluginAsyncZod = async (app) => {
  const repo = createExportsRepository(app.db);
  const tags = ['exports'];

  app.get('/claims/:claimId/export/:format', {
    schema: {
      operationId: 'exportClaim',
      tags,
      summary: 'One claim as a Web Annotation, a STIX bundle, PROV or a ClaimReview',
      description: FORMATS_DOC,
      params: z.object({ claimId: idParam, format }),
      response: { 200: exported, 304: notModified, ...problemResponses(400, 404) },
    },
    handler: async (request, reply) => {
      const { claimId, format: fmt } = request.params;
      const input = repo.forClaim(baseUrlOf(request), claimId);
      const claim = input?.claims[0];
      if (!input || !claim) throw problem('CLAIM_NOT_FOUND', `Claim ${claimId} does not exist.`);
      const exportIri = `${input.baseUrl}${request.url.split('?')[0]}`;
      return sendDocument(request, reply, fmt, render(fmt, input, claim, exportIri));
    },
  });

  app.get('/events/:eventId/export/:format', {
    schema: {
      operationId: 'exportEvent',
      tags,
      summary: 'Every claim of an event in one standard document',
      description:
        'The event’s claims and the claims that carry attributions for it, in one document written as it is read, ' +
        `a page of claims at a time (a failure midway cuts it short). ${FORMATS_DOC}`,
      params: z.object({ eventId: idParam, format }),
      querystring: z.object({
        includeRetracted: booleanQuery.default(false).describe('Also retracted claims and attributions.'),
      }),
      response: { 200: exported, ...problemResponses(400, 404) },
    },
    handler: async (request, reply) => {
      const { eventId, format: fmt } = request.params;
      const { includeRetracted } = request.query;
      const event = repo.event(eventId);
      if (!event) throw problem('EVENT_NOT_FOUND', `Event ${eventId} does not exist.`);
      const counts = repo.eventCounts(eventId, includeRetracted);
      if (fmt === 'claimreview' && counts.graded === 0) {
        throw problem(
          'CLAIM_NOT_GRADED',
          `None of the ${counts.claims} claims of event ${eventId} carries a credibility grade, so there is no ClaimReview to publish. Grade claims with PATCH /claims/{claimId} and \`credibility\`.`,
        );
      }
      const baseUrl = baseUrlOf(request);
      const pageSize = app.listStreaming.pageSize;
      function* pages() {
        let after: number | null = 0;
        while (after !== null) {
          const page = repo.eventPage(baseUrl, event as ExportEvent, {
            includeRetracted,
            after,
            limit: pageSize,
          });
          if (page.input.claims.length > 0) yield page.input;
          after = page.next;
        }
      }
      const exportIri = `${baseUrl}${request.url.split('?')[0]}`;
      const body = eventDocument(fmt, { baseUrl, event, total: counts.claims, exportIri }, pages);
      return reply
        .type(MEDIA_TYPES[fmt])
        .send(Readable.from(body, { objectMode: false, highWaterMark: 16 * 1024 }) as never);
    },
  });
};

/** One claim in a standard; a claim without a grade has no ClaimReview. */
function render(fmt: ExportFormat, input: ExportInput, claim: ExportClaim, exportIri: string): unknown {
  switch (fmt) {
    case 'annotation':
      return toWebAnnotation(claim, input);
    case 'stix':
      return toStixBundle(input, exportIri);
    case 'prov':
      return toProv(input);
    case 'claimreview': {
      const review = toClaimReview(claim, input);
      if (review) return review;
      throw problem(
        'CLAIM_NOT_GRADED',
        `Claim ${claim.id} carries no credibility grade, so there is no ClaimReview to publish. Grade it with PATCH /claims/${claim.id} and \`credibility\` (Admiralty 1-6).`,
      );
    }
  }
}
