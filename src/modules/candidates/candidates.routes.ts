import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listResponses, sendList } from '../../lib/list-formats.js';
import { problemResponses } from '../../lib/openapi.js';
import { decodeCursor } from '../../lib/pagination.js';
import { idParams } from '../../lib/schemas.js';
import { etagOf, sendWithEtag } from '../../lib/writes.js';
import { AuditPage, HistoryQuery } from '../audit/audit.schemas.js';
import { createAuditService } from '../audit/audit.service.js';
import { ClaimSchema } from '../claims/claims.schemas.js';
import { SYSTEM_PRINCIPAL } from '../keys/keys.service.js';
import { createCandidatesRepository } from './candidates.repository.js';
import {
  AcceptCandidateBody,
  CandidateListSchema,
  CandidatePage,
  CandidateSchema,
  ExtractCandidatesBody,
  ListCandidatesQuery,
  RejectCandidateBody,
} from './candidates.schemas.js';
import { candidateNotFound, createCandidatesService } from './candidates.service.js';

/** The intake loop: propose candidates from a source's text, then accept (file a claim) or reject each. */
export const candidatesRoutes: FastifyPluginAsyncZod = async (app) => {
  const repo = createCandidatesRepository(app.db);
  const service = createCandidatesService(app.db);
  const audit = createAuditService(app.db);
  const tags = ['intake'];
  const ctxOf = (request: { principal?: typeof SYSTEM_PRINCIPAL | null; id: string }) => ({
    principal: request.principal ?? SYSTEM_PRINCIPAL,
    requestId: request.id,
  });

  app.post('/sources/:sourceId/candidates', {
    schema: {
      operationId: 'extractCandidates',
      tags,
      summary: 'Find the statements in a source and propose them as candidates',
      description:
        'Runs the extractor over the source’s stored text against the actors on record and stores what it finds as ' +
        '`pending` candidates: who said what (speaker resolved to a known actor, or a proposed new one), the cue, stance, ' +
        'modality, chain and whom it holds responsible, each statement once. Each has a `confidence`: how sure the speaker ' +
        'is times how much the statement is about the source’s own story (its title and lede, the incident, who is held ' +
        'responsible), cut for background in another time. Every candidate is stored; the answer holds those at least ' +
        '`minConfidence` confident (default 0.5) and every decided one, in text order, and `lowConfidence` counts the ' +
        'others (`GET /candidates?source=&minConfidence=0` lists them). Running it again returns the same candidates ' +
        '(matched by `fingerprint`, no duplicates): decided ones are kept as they are, pending ones are revised (say, after ' +
        `a new actor was added), and pending ones no longer found are dropped. English text only: other languages yield none.`,
      params: idParams('sourceId'),
      body: ExtractCandidatesBody,
      response: {
        200: CandidateListSchema,
        ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429),
      },
    },
    handler: async (request) => {
      const { sourceId } = request.params;
      const run = service.extract(sourceId);
      return app.write(() => service.store(sourceId, run, ctxOf(request), request.body?.minConfidence));
    },
  });

  app.get('/candidates', {
    schema: {
      operationId: 'listCandidates',
      tags,
      summary: 'List candidates',
      description:
        'Candidates in creation order; `source`, `status` and `minConfidence` filter (AND). `?status=pending&minConfidence=0.5` is ' +
        'the review queue as extraction proposes it; `?minConfidence=0` (or leaving it out) also lists the low-confidence ones.',
      querystring: ListCandidatesQuery,
      response: listResponses(CandidatePage, 400, 401),
    },
    handler: async (request, reply) => {
      const { cursor, format, limit, ...filter } = request.query;
      return sendList(request, reply, {
        fetch: (after, size) => repo.list({ ...filter, limit: size, after: decodeCursor(after) }),
        cursor,
        limit,
        format,
        page: CandidatePage,
        name: 'candidates',
      });
    },
  });

  app.get('/candidates/:candidateId', {
    schema: {
      operationId: 'getCandidate',
      tags,
      summary: 'Get a candidate',
      description: 'Sends an ETag; If-None-Match with it answers 304.',
      params: idParams('candidateId'),
      response: {
        200: CandidateSchema,
        304: z.undefined().describe('Not modified.'),
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request, reply) => {
      const candidate = repo.get(request.params.candidateId);
      if (!candidate) throw candidateNotFound(request.params.candidateId);
      return sendWithEtag(request, reply, candidate);
    },
  });

  app.post('/candidates/:candidateId/accept', {
    schema: {
      operationId: 'acceptCandidate',
      tags,
      summary: 'Accept a candidate: file it as a claim',
      description:
        'Files the proposal, with any corrections sent, through the claims service: the claim (quote anchored again), its ' +
        'chain, its attributions (these need `eventId`) and, with `createClaimant`, a new actor; the candidate becomes ' +
        '`accepted` with `claimId`. One transaction: a refusal stores nothing. The claim’s audit record names the candidate ' +
        'and the rule it came from. A proposal with no known speaker needs `claimantId` or `createClaimant` (422 ' +
        '`CANDIDATE_NEEDS_CORRECTION` names the field); a decided candidate is a 409 `CANDIDATE_DECIDED`.',
      params: idParams('candidateId'),
      body: AcceptCandidateBody,
      response: {
        201: ClaimSchema.describe('The claim filed.'),
        ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429),
      },
    },
    handler: async (request, reply) => {
      const { candidateId } = request.params;
      const claim = await app.write(() => service.accept(candidateId, request.body ?? {}, ctxOf(request)));
      reply.header('location', `/claims/${claim.id}`);
      reply.header('etag', etagOf(claim));
      return reply.code(201).send(claim);
    },
  });

  app.post('/candidates/:candidateId/reject', {
    schema: {
      operationId: 'rejectCandidate',
      tags,
      summary: 'Reject a candidate',
      description: `Marks the candidate \`rejected\` with the reason; nothing enters the record. A decided candidate is a 409 \`CANDIDATE_DECIDED\`.`,
      params: idParams('candidateId'),
      body: RejectCandidateBody,
      response: { 200: CandidateSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429) },
    },
    handler: async (request, reply) => {
      const { candidateId } = request.params;
      const rejected = await app.write(() =>
        service.reject(candidateId, request.body.reason, ctxOf(request)),
      );
      reply.header('etag', etagOf(rejected));
      return rejected;
    },
  });

  app.get('/candidates/:candidateId/history', {
    schema: {
      operationId: 'getCandidateHistory',
      tags,
      summary: 'The change history of a candidate',
      description:
        'Its creation by a run, revisions by later runs, and the decision, oldest first, with who made each.',
      params: idParams('candidateId'),
      querystring: HistoryQuery,
      response: listResponses(AuditPage, 400, 401, 404),
    },
    handler: async (request, reply) => {
      const { candidateId } = request.params;
      const { limit, cursor, format } = request.query;
      const history = (after: string | undefined, size: number) =>
        audit.list({
          resource: 'candidate',
          resourceId: candidateId,
          limit: size,
          after: decodeCursor(after),
        });
      if (cursor === undefined && history(undefined, 1).data.length === 0 && !repo.get(candidateId))
        throw candidateNotFound(candidateId);
      return sendList(request, reply, {
        fetch: history,
        cursor,
        limit,
        format,
        page: AuditPage,
        name: `candidate-${candidateId}-history`,
      });
    },
  });
};
