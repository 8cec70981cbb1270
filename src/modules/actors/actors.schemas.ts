import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { actors } from '../../db/schema.js';
import { Reliability } from '../../lib/grades.js';
import { pageOf, pageQuerySchema } from '../../lib/pagination.js';
import { idParam, idSchema, name, queryText, text } from '../../lib/schemas.js';

export const ActorRefSchema = z
  .object({ id: z.number().int(), name: z.string(), kind: z.enum(actors.kind.enumValues) })
  .meta({ id: 'ActorRef', description: 'An actor, named in place.' });

const IDENTIFIABLE =
  'Whether the actor is one identifiable body. Always true except for a `group`, which is an unnamed collective ' +
  '("US officials", "sources familiar with the matter") unless marked identifiable (a named channel, a named ' +
  'committee). The independence rule counts the claims of an unnamed group once per outlet that reported them; ' +
  'an identifiable one is one origin, like a ministry.';

export const ActorSchema = createSelectSchema(actors, {
  aliases: z.array(z.string()),
  identifiable: (s) => s.describe(IDENTIFIABLE),
})
  .omit({
    searchText: true,
    reliabilityGrade: true,
    reliabilityGradedBy: true,
    reliabilityGradedAt: true,
    reliabilityRationale: true,
  })
  .extend({
    parent: ActorRefSchema.nullable().describe('The body this actor belongs to.'),
    reliability: Reliability.output
      .nullable()
      .describe('Source reliability grade, if someone has given one.'),
  })
  .meta({
    id: 'Actor',
    description:
      'Who speaks, relays or is blamed: a state, a ministry, a military, an official, an outlet, a channel, or an unnamed group.',
  });

const writable = createInsertSchema(actors, {
  name: () => name(300).describe('Name as usually written, e.g. `Iranian Ministry of Defence`.'),
  kind: (s) =>
    s.describe(
      '`group` covers unnamed collectives such as "local Telegram channels" or "Iranian officials".',
    ),
  aliases: () => z.array(name(300)).max(50).describe('Other names and spellings; searched by `?q=`.'),
  parentId: () => idSchema.nullable().describe('The actor this one belongs to (a ministry -> its state).'),
  description: () => text(5000).nullable(),
  identifiable: () =>
    z
      .boolean()
      .optional()
      .describe(
        `${IDENTIFIABLE} Only a \`group\` may be false; by default a group is unnamed (false), any other kind true.`,
      ),
  wikidataId: () =>
    z
      .string()
      .regex(/^Q[1-9][0-9]{0,11}$/, 'Must be a Wikidata item id: Q followed by digits')
      .nullable()
      .describe('Wikidata item id, e.g. `Q794`.'),
})
  .pick({
    name: true,
    kind: true,
    aliases: true,
    parentId: true,
    description: true,
    wikidataId: true,
    identifiable: true,
  })
  .extend({
    reliability: Reliability.input
      .nullable()
      .optional()
      .describe('Grade this actor as a source (Admiralty A-F), or null to remove the grade.'),
  });

export const CreateActorBody = writable
  .extend({ aliases: writable.shape.aliases.default([]) })
  .strict()
  .meta({ id: 'CreateActor' });
export const UpdateActorBody = writable.partial().strict().meta({ id: 'UpdateActor' });

export type ActorInput = z.infer<typeof CreateActorBody>;
export type ActorPatch = z.infer<typeof UpdateActorBody>;
export type Actor = z.infer<typeof ActorSchema>;

export const ListActorsQuery = pageQuerySchema.extend({
  q: queryText.optional().describe('Matches names and aliases, case-insensitively.'),
  kind: z.enum(actors.kind.enumValues).optional(),
  parent: idParam.optional().describe('Only the actors directly under this one.'),
});

export const ActorPage = pageOf(ActorSchema, 'ActorPage');
