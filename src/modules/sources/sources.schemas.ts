import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { sources } from '../../db/schema.js';
import { pageOf, pageQuerySchema } from '../../lib/pagination.js';
import { idParam, idSchema, instant, name, queryText, text, timePrecision } from '../../lib/schemas.js';
import { ActorRefSchema } from '../actors/actors.schemas.js';

export const MAX_SOURCE_TEXT = 2_000_000;

export const SourceRefSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    url: z.string().nullable(),
    publishedAt: z.string().nullable(),
  })
  .meta({ id: 'SourceRef', description: 'A source, named in place.' });

const selected = createSelectSchema(sources).omit({ searchText: true, publisherId: true, copyOfId: true });

export const SourceSchema = selected
  .extend({
    publisherId: z.number().int().nullable(),
    publisher: ActorRefSchema.nullable(),
    copyOfId: z.number().int().nullable(),
    copyOf: SourceRefSchema.nullable().describe(
      'The source this one copies (a syndicated story’s original).',
    ),
    text: z.string().describe('The document, verbatim: byte for byte what was sent.'),
    sha256: z.string().describe('Hex SHA-256 of the UTF-8 bytes of `text`, computed by the server.'),
    textLength: z
      .number()
      .int()
      .describe('Length of `text` in Unicode code points (the unit of quote positions).'),
  })
  .meta({ id: 'Source', description: 'A document: an article, an official statement, a post.' });

export const SourceSummarySchema = SourceSchema.omit({ text: true }).meta({
  id: 'SourceSummary',
  description: 'A source without its text (lists leave the text out; GET the source for it).',
});

const writable = createInsertSchema(sources, {
  title: () => name(1000),
  url: () =>
    z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .nullable()
      .describe('Where the document was found (http or https).'),
  publisherId: () => idSchema.nullable().describe('The actor that published the document.'),
  copyOfId: () =>
    idSchema
      .nullable()
      .describe(
        'The source this document copies (a wire story reprinted by an outlet); copies share one origin.',
      ),
  publishedAt: () => instant.nullable(),
  publishedAtPrecision: () => timePrecision.nullable(),
  retrievedAt: () => instant.describe('When the text was retrieved; defaults to now.'),
  language: () =>
    z
      .string()
      .max(35)
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'Must be a BCP 47 language tag such as `en` or `fa-IR`')
      .nullable(),
  text: () =>
    text(MAX_SOURCE_TEXT)
      .min(1)
      .describe('The document text, verbatim. Quote positions are counted in its Unicode code points.'),
}).pick({
  title: true,
  url: true,
  publisherId: true,
  copyOfId: true,
  publishedAt: true,
  publishedAtPrecision: true,
  retrievedAt: true,
  language: true,
  kind: true,
  text: true,
});

export const CreateSourceBody = writable.partial({ retrievedAt: true }).strict().meta({ id: 'CreateSource' });
export const UpdateSourceBody = writable.partial().strict().meta({
  id: 'UpdateSource',
  description: 'Metadata can always change; `text` only while no claim is anchored in it.',
});

export type SourceInput = z.infer<typeof CreateSourceBody>;
export type SourcePatch = z.infer<typeof UpdateSourceBody>;
export type Source = z.infer<typeof SourceSchema>;
export type SourceSummary = z.infer<typeof SourceSummarySchema>;

export const ListSourcesQuery = pageQuerySchema.extend({
  q: queryText.optional().describe('Matches titles, case-insensitively.'),
  publisher: idParam.optional(),
  kind: z.enum(sources.kind.enumValues).optional(),
});

export const SourcePage = pageOf(SourceSummarySchema, 'SourcePage');
