import type { Db } from '../../db/client.js';
import { actors, events } from '../../db/schema.js';
import { anchorQuote, type QuoteInput, type QuoteSelector } from '../../domain/quote-anchor.js';
import { fieldProblem, problem } from '../../errors.js';
import { gradeColumns } from '../../lib/grades.js';
import { requireReference } from '../../lib/references.js';
import { nowIso } from '../../lib/schemas.js';
import { createSourcesRepository } from '../sources/sources.repository.js';
import { createClaimsRepository } from './claims.repository.js';
import type { Claim, ClaimInput, ClaimPatch } from './claims.schemas.js';

const MAX_CANDIDATES_SHOWN = 50;

/** Anchors the quote in the source text or explains, field by field, why it cannot. */
export function anchorOrThrow(sourceText: string, quote: QuoteInput, sourceId: number): QuoteSelector {
  const result = anchorQuote(sourceText, quote);
  if (result.ok) return result.selector;
  switch (result.reason) {
    case 'empty':
      throw fieldProblem('QUOTE_NOT_FOUND', '/quote/exact', 'The quote has no visible characters.');
    case 'not_found':
      throw fieldProblem(
        'QUOTE_NOT_FOUND',
        '/quote/exact',
        `The quote does not occur in source ${sourceId}, even allowing for quote marks, spaces, line breaks and dashes.`,
      );
    case 'context_mismatch':
      throw problem(
        'QUOTE_CONTEXT_MISMATCH',
        `The quote occurs ${result.matches} time(s) in source ${sourceId}, but never with the given ${result.fields.join(' and ')}.`,
        {
          matches: result.matches,
          errors: result.fields.map((f) => ({
            in: 'body' as const,
            pointer: `/quote/${f}`,
            message: `No match has this ${f}`,
          })),
        },
      );
    case 'ambiguous':
      throw problem(
        'QUOTE_AMBIGUOUS',
        `The quote occurs ${result.matches} times in source ${sourceId}; send quote.start (one of candidates), quote.prefix or quote.suffix to choose.`,
        {
          matches: result.matches,
          candidates: result.starts.slice(0, MAX_CANDIDATES_SHOWN),
          errors: [{ in: 'body', pointer: '/quote/exact', message: `Matches ${result.matches} places` }],
        },
      );
  }
}

function credibilityColumns(input: ClaimPatch['credibility']) {
  const c = gradeColumns(input);
  return c
    ? {
        credibilityGrade: c.grade,
        credibilityGradedBy: c.gradedBy,
        credibilityGradedAt: c.gradedAt,
        credibilityRationale: c.rationale,
      }
    : {};
}

const quoteColumns = (q: QuoteSelector) => ({
  quoteExact: q.exact,
  quotePrefix: q.prefix,
  quoteSuffix: q.suffix,
  quoteStart: q.start,
  quoteEnd: q.end,
});

/** Writes of claims: every reference checked and the quote anchored before anything is stored, in one transaction. */
export function createClaimsService(db: Db) {
  const claims = createClaimsRepository(db);
  const sources = createSourcesRepository(db);

  function sourceTextOrThrow(sourceId: number): string {
    const text = sources.textOf(sourceId);
    if (text === null)
      throw fieldProblem('REFERENCE_NOT_FOUND', '/sourceId', `Source ${sourceId} does not exist.`);
    return text;
  }

  function checkRefs(input: ClaimPatch) {
    requireReference(db, actors, input.claimantId, '/claimantId', 'Actor');
    requireReference(db, events, input.eventId, '/eventId', 'Event');
    input.reportedViaIds?.forEach((id, i) => {
      requireReference(db, actors, id, `/reportedViaIds/${i}`, 'Actor');
    });
  }

  return {
    create(input: ClaimInput): Claim {
      return db.transaction(() => {
        const text = sourceTextOrThrow(input.sourceId);
        checkRefs(input);
        const selector = anchorOrThrow(text, input.quote, input.sourceId);
        const now = nowIso();
        const id = claims.insert(
          {
            sourceId: input.sourceId,
            claimantId: input.claimantId ?? null,
            eventId: input.eventId ?? null,
            text: input.text,
            stance: input.stance,
            modality: input.modality,
            ...quoteColumns(selector),
            statedAt: input.statedAt ?? null,
            statedAtPrecision: input.statedAtPrecision ?? null,
            ...credibilityColumns(input.credibility),
            createdAt: now,
            updatedAt: now,
          },
          input.reportedViaIds ?? [],
        );
        return claims.get(id) as Claim;
      });
    },

    update(id: number, patch: ClaimPatch): Claim | null {
      return db.transaction(() => {
        const current = claims.row(id);
        if (!current) return null;
        checkRefs(patch);
        const { quote, reportedViaIds, credibility, ...fields } = patch;
        const changes: Parameters<typeof claims.update>[1] = {
          ...fields,
          ...credibilityColumns(credibility),
          updatedAt: nowIso(),
        };
        const sourceId = patch.sourceId ?? current.sourceId;
        if (quote !== undefined || sourceId !== current.sourceId) {
          const text = sourceTextOrThrow(sourceId);
          // Moved to another source without a new quote: the same words, nearest to where they stood.
          const wanted = quote ?? { exact: current.quoteExact, start: current.quoteStart };
          Object.assign(changes, quoteColumns(anchorOrThrow(text, wanted, sourceId)));
        }
        claims.update(id, changes, reportedViaIds);
        return claims.get(id);
      });
    },
  };
}

export type ClaimsService = ReturnType<typeof createClaimsService>;
