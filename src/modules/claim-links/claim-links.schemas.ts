import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { claimLinks } from '../../db/schema.js';
import { pageOf, pageQuerySchema } from '../../lib/pagination.js';
import { idParam, idSchema, text } from '../../lib/schemas.js';
import { ClaimSchema } from '../claims/claims.schemas.js';

const relation = z
  .enum(claimLinks.relation.enumValues)
  .describe('`from` corroborates, contradicts, repeats or responds to `to`.');

export const ClaimLinkSchema = createSelectSchema(claimLinks)
  .pick({ id: true, note: true, createdAt: true, updatedAt: true })
  .extend({ relation, from: ClaimSchema, to: ClaimSchema })
  .meta({ id: 'ClaimLink', description: 'How one claim relates to another.' });

const writable = createInsertSchema(claimLinks, {
  fromClaimId: () => idSchema,
  toClaimId: () => idSchema,
  relation: () => relation,
  note: () => text(5000).nullable().describe('Why the claims are linked.'),
}).pick({ fromClaimId: true, toClaimId: true, relation: true, note: true });

export const CreateClaimLinkBody = writable.strict().meta({ id: 'CreateClaimLink' });
export const UpdateClaimLinkBody = writable.partial().strict().meta({ id: 'UpdateClaimLink' });

export type ClaimLinkInput = z.infer<typeof CreateClaimLinkBody>;
export type ClaimLinkPatch = z.infer<typeof UpdateClaimLinkBody>;
export type ClaimLink = z.infer<typeof ClaimLinkSchema>;

export const ListClaimLinksQuery = pageQuerySchema.extend({
  claim: idParam.optional().describe('Only links from or to this claim.'),
  relation: relation.optional(),
});

export const ClaimLinkPage = pageOf(ClaimLinkSchema, 'ClaimLinkPage');
