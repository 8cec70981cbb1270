import { and, asc, eq, gt, gte, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { actors, candidates, sources } from '../../db/schema.js';
import type { ExtractedCandidate, KnownActor } from '../../domain/extraction/index.js';
import { verifyQuote } from '../../domain/quote-anchor.js';
import { type Page, toPage } from '../../lib/pagination.js';
import { nowIso } from '../../lib/schemas.js';
import type { Candidate } from './candidates.schemas.js';

export interface CandidateFilter {
  source?: number | undefined;
  status?: Candidate['status'] | undefined;
  /** Only candidates at least this confident; decided ones are listed whatever their confidence. */
  minConfidence?: number | undefined;
  after?: number | undefined;
  limit: number;
}

type Row = typeof candidates.$inferSelect;

/** The parts of a proposal that a later run may revise while the candidate is still pending. */
function proposalColumns(c: ExtractedCandidate) {
  return {
    rule: c.rule,
    quoteExact: c.quote.exact,
    quotePrefix: c.quote.prefix,
    quoteSuffix: c.quote.suffix,
    quoteStart: c.quote.start,
    quoteEnd: c.quote.end,
    cueText: c.cue.text,
    cueStart: c.cue.start,
    cueEnd: c.cue.end,
    speaker: c.speaker,
    stance: c.stance,
    modality: c.modality,
    text: c.text,
    reportedVia: c.reportedVia,
    attributions: c.attributions,
    confidence: c.confidence,
    signals: c.signals,
  };
}

const confidentOrDecided = (min: number) =>
  or(gte(candidates.confidence, min), eq(candidates.status, 'accepted'), eq(candidates.status, 'rejected'));

export function createCandidatesRepository(db: Db) {
  const select = () =>
    db
      .select({ row: candidates, sourceText: sources.text })
      .from(candidates)
      .innerJoin(sources, eq(sources.id, candidates.sourceId));

  const toCandidate = ({ row: r, sourceText }: { row: Row; sourceText: string }): Candidate => {
    const quote = {
      exact: r.quoteExact,
      prefix: r.quotePrefix,
      suffix: r.quoteSuffix,
      start: r.quoteStart,
      end: r.quoteEnd,
    };
    return {
      id: r.id,
      sourceId: r.sourceId,
      fingerprint: r.fingerprint,
      status: r.status,
      quote: { ...quote, verified: verifyQuote(sourceText, quote) },
      cue: { text: r.cueText, start: r.cueStart, end: r.cueEnd },
      speaker: r.speaker as Candidate['speaker'],
      stance: r.stance,
      modality: r.modality,
      text: r.text,
      reportedVia: r.reportedVia as Candidate['reportedVia'],
      attributions: r.attributions as Candidate['attributions'],
      rule: r.rule as Candidate['rule'],
      confidence: r.confidence,
      // Candidates stored before the `continues` signal existed read as not continuing.
      signals: { continues: false, ...(r.signals as Partial<Candidate['signals']>) } as Candidate['signals'],
      claimId: r.claimId,
      decidedBy: r.decidedBy,
      decidedAt: r.decidedAt,
      reason: r.reason,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  };

  const repo = {
    get(id: number): Candidate | null {
      const row = select().where(eq(candidates.id, id)).get();
      return row ? toCandidate(row) : null;
    },

    list(filter: CandidateFilter): Page<Candidate> {
      const where: (SQL | undefined)[] = [];
      if (filter.source !== undefined) where.push(eq(candidates.sourceId, filter.source));
      if (filter.status) where.push(eq(candidates.status, filter.status));
      if (filter.minConfidence !== undefined) where.push(confidentOrDecided(filter.minConfidence));
      if (filter.after !== undefined) where.push(gt(candidates.id, filter.after));
      const rows = select()
        .where(and(...where))
        .orderBy(asc(candidates.id))
        .limit(filter.limit + 1)
        .all();
      return toPage(rows.map(toCandidate), filter.limit);
    },

    /** The candidates of a source, in text order: all, or the decided ones and those at least this confident. */
    ofSource(sourceId: number, minConfidence = 0): Candidate[] {
      return select()
        .where(and(eq(candidates.sourceId, sourceId), confidentOrDecided(minConfidence)))
        .orderBy(asc(candidates.quoteStart), asc(candidates.cueStart), asc(candidates.id))
        .all()
        .map(toCandidate);
    },

    /** What the extractor reads of a source: its verbatim text and its title. */
    documentOf(sourceId: number): { text: string; title: string } | null {
      return (
        db
          .select({ text: sources.text, title: sources.title })
          .from(sources)
          .where(eq(sources.id, sourceId))
          .get() ?? null
      );
    },

    /** The actors the extractor resolves speakers against. */
    knownActors(): KnownActor[] {
      return db
        .select({
          id: actors.id,
          name: actors.name,
          kind: actors.kind,
          aliases: actors.aliases,
          parentId: actors.parentId,
        })
        .from(actors)
        .orderBy(asc(actors.id))
        .all();
    },

    insert(sourceId: number, c: ExtractedCandidate): number {
      const now = nowIso();
      return db
        .insert(candidates)
        .values({
          sourceId,
          fingerprint: c.fingerprint,
          status: 'pending',
          ...proposalColumns(c),
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: candidates.id })
        .get().id;
    },

    /** Revises a pending proposal; true when anything changed. */
    revise(id: number, c: ExtractedCandidate): boolean {
      const current = db.select().from(candidates).where(eq(candidates.id, id)).get();
      if (!current) return false;
      const next = proposalColumns(c);
      const changed = (Object.keys(next) as (keyof typeof next)[]).some(
        (k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]),
      );
      if (changed)
        db.update(candidates)
          .set({ ...next, updatedAt: nowIso() })
          .where(eq(candidates.id, id))
          .run();
      return changed;
    },

    delete(id: number): void {
      db.delete(candidates).where(eq(candidates.id, id)).run();
    },

    decide(
      id: number,
      decision:
        | { status: 'accepted'; claimId: number; by: string }
        | { status: 'rejected'; reason: string; by: string },
    ): void {
      const now = nowIso();
      db.update(candidates)
        .set({
          status: decision.status,
          claimId: decision.status === 'accepted' ? decision.claimId : null,
          reason: decision.status === 'rejected' ? decision.reason : null,
          decidedBy: decision.by,
          decidedAt: now,
          updatedAt: now,
        })
        .where(eq(candidates.id, id))
        .run();
    },
  };
  return repo;
}

export type CandidatesRepository = ReturnType<typeof createCandidatesRepository>;
