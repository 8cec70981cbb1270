import { z } from 'zod';
import { pageOf, pageQuerySchema } from '../../lib/pagination.js';
import { idParam, text } from '../../lib/schemas.js';
import { ClaimSchema } from '../claims/claims.schemas.js';
import { SourceRefSchema } from '../sources/sources.schemas.js';

/** What a row of the full-text index holds: a claim's text, a claim's quote, or a source's title and text. */
export const SEARCH_KINDS = ['claim', 'quote', 'source'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const MAX_SEARCH_QUERY = 500;

const kind = z
  .enum(SEARCH_KINDS)
  .describe(
    '`claim`: the claim’s own text; `quote`: the verbatim words the claim is anchored to; `source`: a source’s title and text.',
  );

export const SearchQuery = pageQuerySchema.extend({
  q: text(MAX_SEARCH_QUERY)
    .min(1)
    .describe(
      'An SQLite FTS5 query. Words are ANDed (`drone Isfahan`); `"a phrase"` matches the words in order; ' +
        '`OR`, `NOT` and `AND` combine (upper case), parentheses group, `prefix*` matches word beginnings. ' +
        'Curly quotes (“ ” „ « ») are read as `"`, and apostrophes (’ ‘ \' ʼ) as spaces, so a pasted quote works. ' +
        'Punctuation outside a phrase is syntax: put hyphenated or dotted words in double quotes (`"Amir-Abdollahian"`).',
    ),
  kind: kind.optional().describe('Only hits of this kind (by default all three).'),
  event: idParam
    .optional()
    .describe('Only claim and quote hits of claims about this event, and sources holding such a claim.'),
  actor: idParam
    .optional()
    .describe(
      'Only claim and quote hits of claims made by this actor, and sources it published or that hold a claim it made.',
    ),
  cursor: pageQuerySchema.shape.cursor.describe(
    'Opaque cursor from the previous page’s `nextCursor` (or its `Link: rel="next"` header). ' +
      'Search pages are positional (ranks exist only for one query), so send the same query with it.',
  ),
});

export type SearchQueryInput = z.infer<typeof SearchQuery>;

export const SearchHitSchema = z
  .object({
    kind,
    rank: z
      .number()
      .describe(
        'The FTS5 bm25 score of the hit for this query: the lower (more negative), the better. Comparable only within one query.',
      ),
    snippet: z
      .string()
      .describe(
        'Plain text (never HTML) around the match, about 16 words, with `…` where text is cut. Line breaks are shown as spaces.',
      ),
    highlights: z
      .array(
        z
          .tuple([z.number().int(), z.number().int()])
          .describe('`[start, end)`: code-point offsets of a matched word or phrase in `snippet`.'),
      )
      .describe('Where the query matched within `snippet`, in order.'),
    claim: ClaimSchema.nullable().describe(
      'The claim, for `claim` and `quote` hits; null for `source` hits.',
    ),
    source: SourceRefSchema.describe(
      'The source the hit is in: the claim’s source, or the source hit itself.',
    ),
  })
  .meta({ id: 'SearchHit', description: 'One match of a full-text search.' });

export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchPage = pageOf(SearchHitSchema, 'SearchPage');
