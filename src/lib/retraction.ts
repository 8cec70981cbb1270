import { z } from 'zod';
import { text } from './schemas.js';

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

export function retractionOf(r: {
  retractedAt: string | null;
  retractedBy: string | null;
  retractionReason: string | null;
}): z.infer<typeof RetractionSchema> | null {
  if (r.retractedAt === null) return null;
  return { retractedAt: r.retractedAt, retractedBy: r.retractedBy ?? '', reason: r.retractionReason ?? '' };
}
