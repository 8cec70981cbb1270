import { z } from 'zod';
import type { Retraction } from './row-parts.js';
import { text } from './schemas.js';
import type { Holds, Same } from './type-equal.js';

export { retractionOf } from './row-parts.js';

export const RetractionSchema = z
  .object({
    retractedAt: z.string(),
    retractedBy: z.string().describe('The label of the API key that retracted it.'),
    reason: z.string(),
  })
  .meta({ id: 'Retraction', description: 'Who retracted the record, when and why.' });

export const RetractBody = z
  .object({ reason: text(2000).min(1).describe('Why the record is retracted.') })
  .strict()
  .meta({ id: 'Retract' });

// The plain type of row-parts.ts and the schema describe the same object (checked when compiling).
export type RetractionTypesAgree = Holds<Same<Retraction, z.infer<typeof RetractionSchema>>>;
