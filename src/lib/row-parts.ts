/*
 * Parts of a record's representation made from its columns: a grade, a retraction. Plain TypeScript with no
 * imports, so that the search worker can build claims without zod; grades.ts and retraction.ts re-export them
 * beside their schemas.
 */

export type GradeColumns<G extends string> = {
  grade: G | null;
  gradedBy: string | null;
  gradedAt: string | null;
  rationale: string | null;
};
export type GradeOut<G extends string> = {
  grade: G;
  gradedBy: string;
  gradedAt: string;
  rationale: string | null;
};

/** The grade a record carries, or null when none was given. */
export function gradeOf<G extends string>(c: GradeColumns<G>): GradeOut<G> | null {
  if (c.grade === null || c.gradedBy === null || c.gradedAt === null) return null;
  return { grade: c.grade, gradedBy: c.gradedBy, gradedAt: c.gradedAt, rationale: c.rationale };
}

export interface Retraction {
  retractedAt: string;
  retractedBy: string;
  reason: string;
}

/** Who retracted a record, when and why, or null when it stands. */
export function retractionOf(r: {
  retractedAt: string | null;
  retractedBy: string | null;
  retractionReason: string | null;
}): Retraction | null {
  if (r.retractedAt === null) return null;
  return { retractedAt: r.retractedAt, retractedBy: r.retractedBy ?? '', reason: r.retractionReason ?? '' };
}
