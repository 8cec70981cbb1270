import type { Db } from '../../db/client.js';
import { type ExtractedCandidate, extractCandidates, MIN_CONFIDENCE } from '../../domain/extraction/index.js';
import { type FieldError, problem } from '../../errors.js';
import { createActorsRepository } from '../actors/actors.repository.js';
import { createAttributionsRepository } from '../attributions/attributions.repository.js';
import { createAuditService } from '../audit/audit.service.js';
import type { Claim } from '../claims/claims.schemas.js';
import { createClaimsService } from '../claims/claims.service.js';
import type { Principal } from '../keys/keys.service.js';
import { createSourcesRepository } from '../sources/sources.repository.js';
import { createCandidatesRepository } from './candidates.repository.js';
import type { AcceptCandidateInput, Candidate } from './candidates.schemas.js';

export interface WriteContext {
  principal: Principal;
  requestId: string;
}

export const candidateNotFound = (id: number) =>
  problem('CANDIDATE_NOT_FOUND', `Candidate ${id} does not exist.`);
const sourceNotFound = (id: number) => problem('SOURCE_NOT_FOUND', `Source ${id} does not exist.`);

function needsCorrection(errors: FieldError[]): never {
  throw problem(
    'CANDIDATE_NEEDS_CORRECTION',
    errors.length === 1
      ? (errors[0] as FieldError).message
      : `${errors.length} parts of the proposal need a correction: see errors.`,
    { errors },
  );
}

/**
 * The intake loop: extraction proposes candidates from a source's text, a person accepts (the claim, its
 * attributions and, if asked, a new claimant are filed through the same services as the API) or rejects them.
 * Every method is synchronous and runs inside the caller's write transaction.
 */
export function createCandidatesService(db: Db) {
  const repo = createCandidatesRepository(db);
  const sources = createSourcesRepository(db);
  const actors = createActorsRepository(db);
  const claims = createClaimsService(db);
  const attributions = createAttributionsRepository(db);
  const audit = createAuditService(db);

  return {
    /** Extraction itself, outside any transaction: it reads but never writes. */
    extract(sourceId: number): { text: string; found: ExtractedCandidate[] } {
      const doc = repo.documentOf(sourceId);
      if (doc === null) throw sourceNotFound(sourceId);
      return { text: doc.text, found: extractCandidates(doc.text, repo.knownActors(), { title: doc.title }) };
    },

    /**
     * Stores what a run found: new statements become pending candidates, pending ones are revised, decided
     * ones are kept as they are, and pending ones the run no longer finds are dropped. Every candidate is
     * stored; the answer holds the decided ones and the pending ones at least `minConfidence` confident, and
     * counts the pending ones under it.
     */
    store(
      sourceId: number,
      run: { text: string; found: ExtractedCandidate[] },
      ctx: WriteContext,
      minConfidence: number = MIN_CONFIDENCE,
    ): { data: Candidate[]; lowConfidence: number } {
      const text = sources.textOf(sourceId);
      if (text === null) throw sourceNotFound(sourceId);
      if (text !== run.text) {
        throw problem(
          'CONFLICT',
          `The text of source ${sourceId} changed while it was being read; run the extraction again.`,
        );
      }
      const existing = new Map(repo.ofSource(sourceId).map((c) => [c.fingerprint, c]));
      const seen = new Set<string>();
      const record = (
        resourceId: number,
        operation: 'create' | 'update' | 'delete',
        before: unknown,
        after: unknown,
      ) =>
        audit.record({
          principal: ctx.principal,
          resource: 'candidate',
          resourceId,
          operation,
          before,
          after,
          requestId: ctx.requestId,
        });
      for (const found of run.found) {
        if (seen.has(found.fingerprint)) continue;
        seen.add(found.fingerprint);
        const stored = existing.get(found.fingerprint);
        if (!stored) {
          const id = repo.insert(sourceId, found);
          record(id, 'create', null, repo.get(id));
        } else if (stored.status === 'pending' && repo.revise(stored.id, found)) {
          record(stored.id, 'update', stored, repo.get(stored.id));
        }
      }
      for (const stale of existing.values()) {
        if (stale.status === 'pending' && !seen.has(stale.fingerprint)) {
          repo.delete(stale.id);
          record(stale.id, 'delete', stale, null);
        }
      }
      const all = repo.ofSource(sourceId);
      const data = all.filter((c) => c.status !== 'pending' || c.confidence >= minConfidence);
      return { data, lowConfidence: all.length - data.length };
    },

    /** Files the candidate as a claim, with the corrections given, and marks it accepted; all or nothing. */
    accept(id: number, input: AcceptCandidateInput, ctx: WriteContext): Claim {
      const candidate = repo.get(id);
      if (!candidate) throw candidateNotFound(id);
      refuseIfDecided(candidate);

      const errors: FieldError[] = [];
      const field = (pointer: string, message: string) => errors.push({ in: 'body', pointer, message });

      if (
        input.createClaimant === undefined &&
        input.claimantId === undefined &&
        candidate.speaker.actor === null
      ) {
        const proposed = candidate.speaker.proposed;
        field(
          '/claimantId',
          `The speaker "${candidate.speaker.text}" is not a known actor: send claimantId, or createClaimant` +
            (proposed ? ` (proposed: ${proposed.kind} "${proposed.name}")` : '') +
            '.',
        );
      }
      let reportedViaIds = input.reportedViaIds;
      if (reportedViaIds === undefined) {
        const unknown = candidate.reportedVia.filter((r) => r.actor === null);
        for (const r of unknown)
          field('/reportedViaIds', `The relay "${r.text}" is not a known actor: send reportedViaIds.`);
        reportedViaIds = candidate.reportedVia.flatMap((r) => (r.actor ? [r.actor.id] : []));
      }
      const wanted =
        input.attributions ??
        candidate.attributions.map((a) => ({
          actorId: a.actor?.id ?? null,
          position: a.position,
          role: a.role,
          actorText: a.actorText,
        }));
      const eventId = input.eventId ?? null;
      wanted.forEach((a, i) => {
        const pointer = input.attributions ? `/attributions/${i}/actorId` : '/attributions';
        if (a.actorId === null && a.position !== 'no_attribution') {
          const words = 'actorText' in a && a.actorText ? ` "${a.actorText}"` : '';
          field(
            pointer,
            `The actor held responsible${words} is not a known actor: send attributions with an actorId.`,
          );
        } else if (a.actorId !== null && a.position === 'no_attribution') {
          field(
            input.attributions ? `/attributions/${i}/position` : '/attributions',
            'no_attribution names nobody: actorId must be null.',
          );
        }
      });
      if (wanted.length > 0 && eventId === null) {
        field(
          '/eventId',
          'The candidate holds someone responsible, and attributions need an event: send eventId, or attributions: [] to file the claim alone.',
        );
      }
      if (errors.length > 0) needsCorrection(errors);

      let claimantId =
        input.claimantId === undefined ? (candidate.speaker.actor?.id ?? null) : input.claimantId;
      if (input.createClaimant) {
        const { name, kind, parentId } = input.createClaimant;
        const created = actors.create({
          name,
          kind,
          aliases: [],
          parentId: parentId ?? null,
          description: null,
          wikidataId: null,
        });
        audit.record({
          principal: ctx.principal,
          resource: 'actor',
          resourceId: created.id,
          operation: 'create',
          before: null,
          after: created,
          requestId: ctx.requestId,
        });
        claimantId = created.id;
      }
      const claim = claims.create({
        sourceId: candidate.sourceId,
        claimantId,
        eventId,
        text: input.text ?? candidate.text,
        stance: input.stance ?? candidate.stance,
        modality: input.modality ?? candidate.modality,
        quote: input.quote ?? { exact: candidate.quote.exact, start: candidate.quote.start },
        reportedViaIds,
      });
      audit.record({
        principal: ctx.principal,
        resource: 'claim',
        resourceId: claim.id,
        operation: 'create',
        before: null,
        after: {
          ...claim,
          fromCandidate: { id: candidate.id, rule: candidate.rule, fingerprint: candidate.fingerprint },
        },
        requestId: ctx.requestId,
      });
      for (const a of wanted) {
        const created = attributions.create({
          eventId: eventId as number,
          actorId: a.actorId,
          claimId: claim.id,
          position: a.position,
          role: a.role ?? 'perpetrator',
        });
        audit.record({
          principal: ctx.principal,
          resource: 'attribution',
          resourceId: created.id,
          operation: 'create',
          before: null,
          after: created,
          requestId: ctx.requestId,
        });
      }
      repo.decide(id, { status: 'accepted', claimId: claim.id, by: ctx.principal.label });
      audit.record({
        principal: ctx.principal,
        resource: 'candidate',
        resourceId: id,
        operation: 'update',
        before: candidate,
        after: repo.get(id),
        requestId: ctx.requestId,
      });
      return claim;
    },

    reject(id: number, reason: string, ctx: WriteContext): Candidate {
      const candidate = repo.get(id);
      if (!candidate) throw candidateNotFound(id);
      refuseIfDecided(candidate);
      repo.decide(id, { status: 'rejected', reason, by: ctx.principal.label });
      const after = repo.get(id) as Candidate;
      audit.record({
        principal: ctx.principal,
        resource: 'candidate',
        resourceId: id,
        operation: 'update',
        before: candidate,
        after,
        requestId: ctx.requestId,
      });
      return after;
    },
  };
}

function refuseIfDecided(c: Candidate): void {
  if (c.status === 'pending') return;
  const what =
    c.status === 'accepted'
      ? `accepted (claim ${c.claimId ?? 'since deleted'})`
      : `rejected ("${c.reason ?? ''}")`;
  throw problem(
    'CANDIDATE_DECIDED',
    `Candidate ${c.id} was already ${what} by ${c.decidedBy ?? 'someone'} at ${c.decidedAt ?? 'an unknown time'}.`,
  );
}
