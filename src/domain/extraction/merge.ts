/**
 * One candidate per statement. Reporting repeats itself: a headline and the lede say the same thing, a lede
 * paraphrases what a quote further down says in full, a refusal is told and then quoted ("he refused to
 * confirm ... 'I never talk about specific operations,' he said"). A curator files each statement once, so two
 * candidates of one speaker that say the same are folded into the better anchored one, which takes over what
 * the other held responsible and through whom it travelled.
 */
import type { ActorKind, Modality, Stance } from './types.js';

export interface StatementView<A, R> {
  /** The statement's content words (relevance.ts termsOf), for comparing what two statements say. */
  terms: ReadonlySet<string>;
  speaker: {
    /** The resolved actor and its ancestors, nearest first; empty when unresolved. */
    lineage: readonly number[];
    kind: ActorKind | null;
    proposed: { name: string; kind: ActorKind } | null;
    score: number;
  };
  modality: Modality;
  stance: Stance;
  /** Index of the sentence unit and paragraph the statement stands in. */
  unit: number;
  paragraph: number;
  /** Length of the quote span. */
  length: number;
  /** A quote with no reporting verb of its own, standing after another one (GGT's second pass). */
  bare: boolean;
  /** Framed in another time or standing in a paragraph about another story. */
  otherTime: boolean;
  /** It stands in the headline: a summary of what the body reports. */
  headline: boolean;
  attributions: readonly A[];
  reportedVia: readonly R[];
}

export interface KeptStatement<A, R> {
  /** The statement that stands for the group: its speaker, cue, stance and modality. */
  index: number;
  /** Every statement folded into it, itself included, in text order. */
  members: number[];
  /** The last statement that continues it: its span runs from `index`'s start to this one's end. */
  through: number;
  attributions: A[];
  reportedVia: R[];
}

/** Share of the smaller statement's words the two have in common, and how many, above which they say the same. */
const SAME_CONTENT_SHARE = 0.6;
const SAME_CONTENT_MIN = 3;
const REFUSALS = new Set<Stance>(['declines_to_comment', 'denies']);

/**
 * The statements to keep, in their order, with the attributions and relays of those folded into them.
 * Folds (1) a restatement: same speaker, mostly the same content words, wherever they stand; (2) a refusal
 * reported and then quoted: the same speaker declining (or denying) in two statements next to each other;
 * (3) a quote that goes on: in the same sentence ("..., and added: ...") or as a bare quote in the next one,
 * with the same stance: the spans become one.
 */
export function oneStatementOnce<A, R>(statements: readonly StatementView<A, R>[]): KeptStatement<A, R>[] {
  const into = statements.map((_, i) => i);
  const root = (i: number): number => {
    let r = i;
    while (into[r] !== r) r = into[r] as number;
    return r;
  };
  // (3) first, between neighbours: a continued statement is then compared with the others as a whole.
  const through = statements.map((_, i) => i);
  for (let i = 0; i + 1 < statements.length; i++) {
    const head = root(i);
    const a = statements[i] as StatementView<A, R>;
    const b = statements[i + 1] as StatementView<A, R>;
    if (continues(a, b)) {
      into[i + 1] = head;
      through[head] = i + 1;
    }
  }
  for (let i = 0; i < statements.length; i++) {
    for (let j = i + 1; j < statements.length; j++) {
      if (root(i) === root(j)) continue;
      const a = statements[root(i)] as StatementView<A, R>;
      const b = statements[root(j)] as StatementView<A, R>;
      if (!sameSpeaker(a, b)) continue;
      const restated = sayTheSame(a, b);
      const refusalQuoted =
        j === i + 1 &&
        a.stance === b.stance &&
        REFUSALS.has(a.stance) &&
        a.modality !== b.modality &&
        Math.abs(b.paragraph - a.paragraph) <= 1 &&
        Math.abs(b.unit - a.unit) <= 2 &&
        strictlySameSpeaker(a, b);
      if (!restated && !refusalQuoted) continue;
      // A continued statement keeps its span; it absorbs, or is absorbed whole, never split.
      const ra = root(i);
      const rb = root(j);
      const aWins = through[ra] !== ra || (through[rb] === rb && better(a, b));
      const [keep, drop] = aWins ? [ra, rb] : [rb, ra];
      into[drop] = keep;
    }
  }
  // (4) A headline sums up a statement the body reports: "Baku denies targeting civilians" over the
  // defence ministry's denial. Folded into the body's first statement by that side with the same stance.
  for (let i = 0; i < statements.length; i++) {
    const h = statements[i] as StatementView<A, R>;
    if (!h.headline || root(i) !== i) continue;
    const j = statements.findIndex(
      (b, k) => k !== i && !b.headline && root(k) === k && b.stance === h.stance && strictlySameSpeaker(h, b),
    );
    if (j >= 0) into[i] = j;
  }
  const out: KeptStatement<A, R>[] = [];
  const byRoot = new Map<number, KeptStatement<A, R>>();
  statements.forEach((s, i) => {
    if (root(i) !== i) return;
    const kept: KeptStatement<A, R> = {
      index: i,
      members: [],
      through: through[i] as number,
      attributions: [...s.attributions],
      reportedVia: [...s.reportedVia],
    };
    byRoot.set(i, kept);
    out.push(kept);
  });
  statements.forEach((s, i) => {
    const kept = byRoot.get(root(i)) as KeptStatement<A, R>;
    kept.members.push(i);
    if (kept.index === i) return;
    for (const a of s.attributions) if (!kept.attributions.some((x) => same(x, a))) kept.attributions.push(a);
    for (const r of s.reportedVia) if (!kept.reportedVia.some((x) => same(x, r))) kept.reportedVia.push(r);
  });
  return out;
}

/** Whether `b`, right after `a`, goes on with the same statement. */
function continues(a: StatementView<unknown, unknown>, b: StatementView<unknown, unknown>): boolean {
  return (
    strictlySameSpeaker(a, b) &&
    a.stance === b.stance &&
    a.modality === b.modality &&
    !a.otherTime &&
    !b.otherTime &&
    a.modality === 'direct_quote' &&
    // A quote that goes on in the same sentence ("..., and added: ...") or in the next one with no reporting
    // verb of its own. Anything told again ("He said ...", "..., the ministry said") is a statement of its own.
    (b.unit === a.unit || (b.unit === a.unit + 1 && b.bare && b.paragraph - a.paragraph <= 1))
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(stripSpan(a)) === JSON.stringify(stripSpan(b));
function stripSpan(x: unknown): unknown {
  if (x === null || typeof x !== 'object') return x;
  const { start: _s, end: _e, text: _t, ...rest } = x as Record<string, unknown>;
  return rest;
}

function sayTheSame(a: StatementView<unknown, unknown>, b: StatementView<unknown, unknown>): boolean {
  let shared = 0;
  for (const t of a.terms) if (b.terms.has(t)) shared++;
  const smaller = Math.min(a.terms.size, b.terms.size);
  return shared >= SAME_CONTENT_MIN && shared >= SAME_CONTENT_SHARE * smaller;
}

/** The same actor, or one a part of the other ("a U.S. official" and "U.S. officials" both resolved). */
function strictlySameSpeaker(
  a: StatementView<unknown, unknown>,
  b: StatementView<unknown, unknown>,
): boolean {
  const [x, y] = [a.speaker, b.speaker];
  if (x.lineage.length > 0 && y.lineage.length > 0)
    return x.lineage.includes(y.lineage[0] as number) || y.lineage.includes(x.lineage[0] as number);
  if (x.lineage.length === 0 && y.lineage.length === 0)
    return x.proposed !== null && x.proposed.name.toLowerCase() === y.proposed?.name.toLowerCase();
  return false;
}

/**
 * For a restatement, also a speaker the text describes but the record does not know ("Iran's ambassador to
 * the UN") beside a known one of the same kind ("the envoy", resolved to him): what they say is the test.
 */
function sameSpeaker(a: StatementView<unknown, unknown>, b: StatementView<unknown, unknown>): boolean {
  if (strictlySameSpeaker(a, b)) return true;
  const known = a.speaker.lineage.length > 0 ? a : b;
  const unknown = known === a ? b : a;
  return (
    known.speaker.lineage.length > 0 &&
    known.speaker.kind === 'person' &&
    unknown.speaker.lineage.length === 0 &&
    unknown.speaker.proposed !== null &&
    unknown.speaker.proposed.kind === 'person' &&
    known.speaker.score >= 0.55
  );
}

/** Which of two statements of one speaker to keep: the direct quote, the known speaker, the fuller span. */
function better(a: StatementView<unknown, unknown>, b: StatementView<unknown, unknown>): boolean {
  if (a.modality !== b.modality) return a.modality === 'direct_quote';
  const ka = a.speaker.lineage.length > 0;
  const kb = b.speaker.lineage.length > 0;
  if (ka !== kb) return ka;
  return a.length >= b.length;
}
