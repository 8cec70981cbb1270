import { z } from 'zod';
import { AUDIT_OPERATIONS } from '../../db/schema.js';
import { formatQuery, MAX_PAGE_SIZE, pageQuerySchema } from '../../lib/pagination.js';

export const ChangeSchema = z
  .object({
    id: z
      .number()
      .int()
      .describe('The change’s place in the feed (its audit record id): ids increase in commit order.'),
    time: z.string().describe('When the change was made, inside its transaction (ISO 8601, UTC).'),
    resource: z.string().describe('`actor`, `source`, `event`, `claim`, `attribution` or `claimLink`.'),
    resourceId: z.number().int(),
    operation: z.enum(AUDIT_OPERATIONS),
    record: z
      .unknown()
      .describe('The record after the change, as the API showed it then; null after a delete.'),
  })
  .meta({ id: 'Change', description: 'One committed create, update, retraction or delete.' });

export type Change = z.infer<typeof ChangeSchema>;

export const ChangePage = z
  .object({
    data: z.array(ChangeSchema),
    nextCursor: z
      .string()
      .describe(
        'Where to go on from: pass it as `after`. Always set, also on the last page, so that a client can poll for changes made later.',
      ),
    hasMore: z
      .boolean()
      .describe('Whether changes after this page are already committed (ask again at once).'),
  })
  .meta({ id: 'ChangePage' });

export const ChangesQuery = z.object({
  after: z
    .string()
    .max(200)
    .optional()
    .describe(
      'A `nextCursor` from an earlier answer: only changes committed after it. Omit it to read the feed from the start; `latest` starts at the current end (an empty page whose `nextCursor` marks now).',
    ),
  limit: pageQuerySchema.shape.limit.describe(`Changes per page, 1 to ${MAX_PAGE_SIZE}.`),
  resource: z
    .enum(['actor', 'source', 'event', 'claim', 'attribution', 'claimLink'])
    .optional()
    .describe('Only changes to this kind of record.'),
  format: formatQuery,
});
