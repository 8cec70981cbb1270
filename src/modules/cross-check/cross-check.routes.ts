import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problem } from '../../errors.js';
import { listResponses, sendList } from '../../lib/list-formats.js';
import { notModified, problemResponses } from '../../lib/openapi.js';
import { decodeCursor } from '../../lib/pagination.js';
import { idParams } from '../../lib/schemas.js';
import { serializerCompiler } from '../../lib/serializer.js';
import { etagOfJson, isNotModified, sendWithEtag } from '../../lib/writes.js';
import { createClaimLinksRepository } from '../claim-links/claim-links.repository.js';
import { ClaimLinkPage } from '../claim-links/claim-links.schemas.js';
import { createClaimsRepository } from '../claims/claims.repository.js';
import { createEventsRepository } from '../events/events.repository.js';
import {
  AttributionBoardSchema,
  BoardQuery,
  ClaimLinksQuery,
  EventLinksQuery,
  INDEPENDENCE_RULE,
  ProvenanceSchema,
  TimelinePage,
  TimelineQuery,
} from './cross-check.schemas.js';
import { createCrossCheckService } from './cross-check.service.js';

const serializeBoard = serializerCompiler({
  schema: AttributionBoardSchema,
  method: 'GET',
  url: '/events/:eventId/attributions',
  httpStatus: '200',
});

const eventNotFound = (id: number) => problem('EVENT_NOT_FOUND', `Event ${id} does not exist.`);
const claimNotFound = (id: number) => problem('CLAIM_NOT_FOUND', `Claim ${id} does not exist.`);

/** The views that cross-check claims: the attribution board, links, the timeline and provenance chains. */
export const crossCheckRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = createCrossCheckService(app.db);
  const links = createClaimLinksRepository(app.db);
  const events = createEventsRepository(app.db);
  const claims = createClaimsRepository(app.db);
  const tags = ['cross-checking'];

  app.get('/events/:eventId/attributions', {
    schema: {
      operationId: 'getAttributionBoard',
      tags,
      summary: 'The attribution board: who holds whom responsible, with independent origins',
      description:
        'For each actor held responsible (or pointedly not), the attributions grouped by position, each with its claim, ' +
        'claimant, source, chain and quote; the raw count beside the number of independent origins, and the origins ' +
        'themselves. Attributions that name nobody (`no_attribution`: "did not say who it suspected") have a row of their ' +
        'own, last, counted the same way. `rollUp=true` folds the actors held responsible into their top-level ancestor ' +
        '(the Mossad into Israel), each entry keeping the actor it named. Claims by a party to the event (or a body under ' +
        'one), including a source’s own voice when its publisher is one, are flagged as interested. ' +
        'The board is cached until a committed write touches its event, claims, attributions, links, sources or actors; ' +
        `the \`Cache-Status\` header says whether this answer came from the cache. ${INDEPENDENCE_RULE}`,
      params: idParams('eventId'),
      querystring: BoardQuery,
      response: { 200: AttributionBoardSchema, 304: notModified, ...problemResponses(400, 404) },
    },
    handler: async (request, reply) => {
      const { eventId } = request.params;
      const { foldToTopLevel, rollUp, entries } = request.query;
      // Cached serialized, with its ETag: for a large event, hashing and serializing the board cost more
      // than the rest of serving it again.
      const { value: cached, hit } = app.viewCache.get(
        `board:${eventId}:${foldToTopLevel}:${rollUp}:${entries}`,
        () => {
          const { board, dependsOn } = service.board(eventId, request.query);
          if (!board) return { value: null, dependsOn };
          // The ETag hashes the bytes sent: a second serialization of a large board cost time and memory.
          // Kept as bytes: a string would be measured and encoded again for every answer (half a megabyte
          // of fresh memory each time for the largest board).
          const json = serializeBoard(board);
          return { value: { bytes: Buffer.from(json), etag: etagOfJson(json) }, dependsOn };
        },
      );
      // RFC 9211: whether the answer came from the cache.
      reply.header('cache-status', hit ? 'claimledger; hit' : 'claimledger; fwd=miss; stored');
      if (!cached) throw eventNotFound(eventId);
      reply.header('etag', cached.etag);
      if (isNotModified(request, cached.etag)) return reply.code(304).send();
      // Bytes with a JSON content type are sent as they are: Fastify does not serialize them again.
      return reply.type('application/json; charset=utf-8').send(cached.bytes as never);
    },
  });

  app.get('/events/:eventId/links', {
    schema: {
      operationId: 'listEventLinks',
      tags,
      summary: 'Contradictions and corroborations among an event’s claims',
      description:
        'Claim pairs linked `contradicts` or `corroborates` where either claim is about the event, both sides embedded.',
      params: idParams('eventId'),
      querystring: EventLinksQuery,
      response: listResponses(ClaimLinkPage, 400, 404),
    },
    handler: async (request, reply) => {
      const { eventId } = request.params;
      if (!events.get(eventId)) throw eventNotFound(eventId);
      const { relation, limit, cursor, format } = request.query;
      return sendList(request, reply, {
        fetch: (after, size) =>
          links.list({
            event: eventId,
            relations: relation ? [relation] : ['contradicts', 'corroborates'],
            limit: size,
            after: decodeCursor(after),
          }),
        cursor,
        limit,
        format,
        page: ClaimLinkPage,
        name: `event-${eventId}-links`,
      });
    },
  });

  app.get('/claims/:claimId/links', {
    schema: {
      operationId: 'listClaimLinksOfClaim',
      tags,
      summary: 'The links of one claim, both directions',
      params: idParams('claimId'),
      querystring: ClaimLinksQuery,
      response: listResponses(ClaimLinkPage, 400, 404),
    },
    handler: async (request, reply) => {
      const { claimId } = request.params;
      if (!claims.row(claimId)) throw claimNotFound(claimId);
      const { relation, limit, cursor, format } = request.query;
      return sendList(request, reply, {
        fetch: (after, size) =>
          links.list({ claim: claimId, relation, limit: size, after: decodeCursor(after) }),
        cursor,
        limit,
        format,
        page: ClaimLinkPage,
        name: `claim-${claimId}-links`,
      });
    },
  });

  app.get('/events/:eventId/timeline', {
    schema: {
      operationId: 'getEventTimeline',
      tags,
      summary: 'An event’s claims in the order they were made',
      description:
        'Ordered by `statedAt`, falling back to the source’s `publishedAt`, with the precision known; undated claims last. ' +
        'A statement one origin repeated (the same words in copies of a source, or claims linked by `repeats`) is one ' +
        'entry at its earliest time, listing in `alsoAppearedIn` where else it appeared; `groupRepeats=false` lists every claim.',
      params: idParams('eventId'),
      querystring: TimelineQuery,
      response: listResponses(TimelinePage, 400, 404),
    },
    handler: async (request, reply) => {
      const { eventId } = request.params;
      const { cursor, limit, format } = request.query;
      return sendList(request, reply, {
        fetch: (after, size) => {
          const page = service.timeline(eventId, { ...request.query, cursor: after, limit: size });
          if (!page) throw eventNotFound(eventId);
          return page;
        },
        cursor,
        limit,
        format,
        page: TimelinePage,
        name: `event-${eventId}-timeline`,
      });
    },
  });

  app.get('/claims/:claimId/provenance', {
    schema: {
      operationId: 'getClaimProvenance',
      tags,
      summary: 'The provenance chain of a claim',
      description:
        'Claimant -> each actor it was reported via -> the source’s publisher -> the source (with its hash and whether ' +
        'the text still matches it), the quote and whether it verifies, the claim’s links in and out, the ' +
        'attributions it carries, and the independent origin the attribution board counts it under (`origin`).',
      params: idParams('claimId'),
      response: { 200: ProvenanceSchema, 304: notModified, ...problemResponses(400, 404) },
    },
    handler: async (request, reply) => {
      const provenance = service.provenance(request.params.claimId);
      if (!provenance) throw claimNotFound(request.params.claimId);
      return sendWithEtag(request, reply, provenance);
    },
  });
};
