import { z } from 'zod';
import { CREDIBILITY_GRADES, RELIABILITY_GRADES } from '../db/schema.js';
import type { GradeColumns } from './row-parts.js';
import { name, nowIso, text } from './schemas.js';

export { type GradeColumns, gradeOf } from './row-parts.js';

/**
 * Grades are opinions a person records, never computed: each carries who gave it, when and why.
 * Reliability (Admiralty A-F) grades a source actor; credibility (1-6) grades one claim.
 */
function gradeSchemas<G extends readonly [string, ...string[]]>(grades: G, id: string, description: string) {
  const grade = z.enum(grades);
  const input = z
    .object({
      grade,
      gradedBy: name(200).describe('Who gives the grade (a person or desk).'),
      rationale: text(2000).nullable().optional().describe('Why.'),
    })
    .strict()
    .meta({ id: `New${id}`, description });
  const output = z
    .object({
      grade,
      gradedBy: z.string(),
      gradedAt: z.string().describe('When the grade was recorded (set by the server).'),
      rationale: z.string().nullable(),
    })
    .meta({ id, description });
  return { input, output };
}

export const Reliability = gradeSchemas(
  RELIABILITY_GRADES,
  'Reliability',
  'Admiralty source reliability: A completely reliable, B usually reliable, C fairly reliable, D not usually reliable, E unreliable, F reliability cannot be judged.',
);
export const Credibility = gradeSchemas(
  CREDIBILITY_GRADES,
  'Credibility',
  'Admiralty information credibility: 1 confirmed by other sources, 2 probably true, 3 possibly true, 4 doubtful, 5 improbable, 6 truth cannot be judged.',
);

type GradeIn<G extends string> = { grade: G; gradedBy: string; rationale?: string | null | undefined };

/** Columns to store for a grade sent in a body: undefined leaves them, null clears them. */
export function gradeColumns<G extends string>(
  input: GradeIn<G> | null | undefined,
): GradeColumns<G> | undefined {
  if (input === undefined) return undefined;
  if (input === null) return { grade: null, gradedBy: null, gradedAt: null, rationale: null };
  return {
    grade: input.grade,
    gradedBy: input.gradedBy,
    gradedAt: nowIso(),
    rationale: input.rationale ?? null,
  };
}
