import { z } from 'zod';
import { AUDIT_OPERATIONS } from '../../db/schema.js';
import { pageOf, pageQuerySchema } from '../../lib/pagination.js';
import { idParam } from '../../lib/schemas.js';

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    keyId: z
      .number()
      .int()
      .nullable()
      .describe('The API key that made the change; null for the system (seeds).'),
    keyLabel: z.string(),
    resource: z.string().describe('`actor`, `source`, `event`, `claim`, `attribution`, `claimLink`, `key`.'),
    resourceId: z.number().int(),
    operation: z.enum(AUDIT_OPERATIONS),
    before: z.unknown().describe('The representation before the change (null for a create).'),
    after: z.unknown().describe('The representation after the change (null for a delete).'),
    requestId: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry', description: 'One change, as written in the append-only audit log.' });

export const AuditPage = pageOf(AuditEntrySchema, 'AuditPage');

export const HistoryQuery = pageQuerySchema;

export const AuditQuery = pageQuerySchema.extend({
  resource: z.string().max(40).optional(),
  resourceId: idParam.optional(),
  keyId: idParam.optional(),
  operation: z.enum(AUDIT_OPERATIONS).optional(),
});
