import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CLAIMREVIEW_MEDIA_TYPE,
  toClaimReview,
  toClaimReviewGraph,
} from '../../domain/exports/claimreview.js';
import { PROV_MEDIA_TYPE, toProv } from '../../domain/exports/prov.js';
import { STIX_MEDIA_TYPE, toStixBundle } from '../../domain/exports/stix.js';
import type { ExportInput } from '../../domain/exports/types.js';
import {
  ANNOTATION_MEDIA_TYPE,
  toAnnotationCollection,
  toWebAnnotation,
} from '../../domain/exports/web-annotation.js';
import { problem } from '../../errors.js';
import { notModified, problemResponses } from '../../lib/openapi.js';
import { booleanQuery, idParam } from '../../lib/schemas.js';
import { etagOf, isNotModified } from '../../lib/writes.js';
import { createExportsRepository } from './exports.repository.js';

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

const exportResponses = {
  200: {
    description: 'The export, in the standard’s own media type.',
    content: {
      'application/ld+json': { schema: document('Web Annotation or ClaimReview JSON-LD.') },
      'application/stix+json': { schema: document('A STIX 2.1 bundle.') },
      'application/json': { schema: document('A PROV-JSON document.') },
    },
  },
  304: notModified,
  ...problemResponses(400, 404),
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
      response: exportResponses,
    },
    handler: async (request, reply) => {
      const { claimId, format: fmt } = request.params;
      const input = repo.forClaim(baseUrlOf(request), claimId);
      const claim = input?.claims[0];
      if (!input || !claim) throw problem('CLAIM_NOT_FOUND', `Claim ${claimId} does not exist.`);
      const exportIri = `${input.baseUrl}${request.url.split('?')[0]}`;
      return sendDocument(
        request,
        reply,
        fmt,
        render(fmt, input, exportIri, () => toClaimReview(claim, input)),
      );
    },
  });

  app.get('/events/:eventId/export/:format', {
    schema: {
      operationId: 'exportEvent',
      tags,
      summary: 'Every claim of an event in one standard document',
      description: `The event’s claims and the claims that carry attributions for it. ${FORMATS_DOC}`,
      params: z.object({ eventId: idParam, format }),
      querystring: z.object({
        includeRetracted: booleanQuery.default(false).describe('Also retracted claims and attributions.'),
      }),
      response: exportResponses,
    },
    handler: async (request, reply) => {
      const { eventId, format: fmt } = request.params;
      const input = repo.forEvent(baseUrlOf(request), eventId, request.query.includeRetracted);
      if (!input) throw problem('EVENT_NOT_FOUND', `Event ${eventId} does not exist.`);
      const exportIri = `${input.baseUrl}${request.url.split('?')[0]}`;
      const body = render(fmt, input, exportIri, () => {
        const { document: graph, reviewed } = toClaimReviewGraph(input);
        if (reviewed > 0) return graph;
        throw problem(
          'CLAIM_NOT_GRADED',
          `None of the ${input.claims.length} claims of event ${eventId} carries a credibility grade, so there is no ClaimReview to publish. Grade claims with PATCH /claims/{claimId} and \`credibility\`.`,
        );
      });
      return sendDocument(request, reply, fmt, body);
    },
  });
};

function render(
  fmt: ExportFormat,
  input: ExportInput,
  exportIri: string,
  claimReview: () => unknown,
): unknown {
  switch (fmt) {
    case 'annotation': {
      const claim = input.claims[0];
      return input.event ? toAnnotationCollection(input) : claim && toWebAnnotation(claim, input);
    }
    case 'stix':
      return toStixBundle(input, exportIri);
    case 'prov':
      return toProv(input);
    case 'claimreview': {
      const review = claimReview();
      if (review) return review;
      const claim = input.claims[0];
      throw problem(
        'CLAIM_NOT_GRADED',
        `Claim ${claim?.id} carries no credibility grade, so there is no ClaimReview to publish. Grade it with PATCH /claims/${claim?.id} and \`credibility\` (Admiralty 1-6).`,
      );
    }
  }
}
