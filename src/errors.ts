import { z } from 'zod';
import type { Holds, Same } from './lib/type-equal.js';
import type { FieldError, ProblemExtras } from './problem-error.js';

export * from './problem-error.js';

export const FieldErrorSchema = z
  .object({
    in: z.enum(['body', 'query', 'params', 'headers']).describe('Which part of the request is at fault.'),
    pointer: z.string().describe('RFC 6901 JSON pointer to the field within that part, e.g. `/quote/exact`.'),
    message: z.string(),
    line: z
      .number()
      .int()
      .optional()
      .describe('For imports: the 1-based line of the NDJSON body; `pointer` is then within that line.'),
    code: z
      .string()
      .optional()
      .describe('For imports: the problem code of this error, e.g. `QUOTE_AMBIGUOUS`.'),
  })
  .meta({ id: 'FieldError' });

export const ProblemSchema = z
  .object({
    type: z.string().describe('URI reference identifying the problem type; GET it for a description.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('Stable machine-readable code, e.g. `QUOTE_AMBIGUOUS`.'),
    instance: z.string().describe('The path of the request that failed.'),
    requestId: z.string(),
    errors: z.array(FieldErrorSchema).optional(),
    matches: z.number().int().optional().describe('For QUOTE_AMBIGUOUS: how many places the quote matches.'),
    candidates: z
      .array(z.number().int())
      .optional()
      .describe('For QUOTE_AMBIGUOUS: the code-point start of each match; send one as `quote.start`.'),
  })
  .meta({
    id: 'Problem',
    description: 'An RFC 9457 problem details object, served as `application/problem+json`.',
  });

export type Problem = z.infer<typeof ProblemSchema>;

// The plain types of problem-error.ts and these schemas describe the same documents (checked when compiling).
export type ProblemTypesAgree = Holds<Same<FieldError, z.infer<typeof FieldErrorSchema>>> &
  Holds<Same<ProblemExtras, Pick<Problem, 'errors' | 'matches' | 'candidates'>>>;
