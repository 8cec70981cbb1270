import { z } from 'zod';
import { pageQuerySchema } from '../../lib/pagination.js';
import { idParam, text } from '../../lib/schemas.js';
import { ClaimSchema } from '../claims/claims.schemas.js';
import { SourceRefSchema } from '../sources/sources.schemas.js';
import { RELEVANCE_WINDOW } from './search.repository.js';

/** What a row of the full-text index holds: a claim's text, a claim's quote, or a source's title and text. */
export const SEARCH_KINDS = ['claim', 'quote', 'source'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const MAX_SEARCH_QUERY = 500;

export const SEARCH_ORDERS = ['newest', 'relevance'] as const;
export type SearchOrder = (typeof SEARCH_ORDERS)[number];

export { RELEVANCE_WINDOW };

const kind = z
  .enum(SEARCH_KINDS)
  .describe(
    '`claim`: the claim’s own text; `quote`: the verbatim words the claim is anchored to; `source`: a source’s title and text.',
  );

export const SearchQuery = pageQuerySchema.extend({
  q: text(MAX_SEARCH_QUERY)
    .min(1)
    .describe(
      'Words to find, all of them (`drone Isfahan`), in English with stemming (`quadcopter` finds `quadcopters`). ' +
        '`"a phrase"` matches the words in order; `OR`, `NOT` and `AND` combine (in capitals), parentheses group, ' +
        '`prefix*` matches word beginnings, `NEAR(a b, 5)` words close together. Anything else is read as plain words: ' +
        'an unbalanced quote or parenthesis is punctuation, and a word with punctuation inside (`Amir-Abdollahian`, ' +
        '`23:30`, `ארה"ב`) is searched as the phrase of its parts. Curly quotes (“ ” „ « ») are read as `"`, and ' +
        'apostrophes as word breaks, so a pasted quote works. Only broken operator syntax (`drones NOT`, an unclosed ' +
        '`NEAR(`) is a 400.',
    ),
  order: z
    .enum(SEARCH_ORDERS)
    .default('newest')
    .describe(
      '`newest` (default): the most recently recorded first, each page costing about its size however many records ' +
        `match. \`relevance\`: the ${RELEVANCE_WINDOW} newest matches ranked by bm25 (best first); older matches are not ranked.`,
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
    'Opaque cursor from the previous page’s `nextCursor` (or its `Link: rel="next"` header); send the same query ' +
      'and order with it. Newest-first pages are stable: records added meanwhile do not shift them.',
  ),
});

export type SearchQueryInput = z.infer<typeof SearchQuery>;

export const SearchHitSchema = z
  .object({
    kind,
    rank: z
      .number()
      .nullable()
      .describe(
        'With order=relevance, the FTS5 bm25 score of the hit for this query: the lower (more negative), the better, ' +
          'comparable only within one query. Null in the newest-first order, which does not rank.',
      ),
    snippet: z
      .string()
      .describe(
        'Plain text (never HTML) around the match, about 16 words, with `…` where text is cut. Line breaks are shown as ' +
          'spaces. A claim found by its claimant’s name (or a source by its publisher’s) shows its text without highlights.',
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

export const SearchPage = z
  .object({
    data: z.array(SearchHitSchema),
    nextCursor: z.string().nullable().describe('Cursor of the next page, or null on the last page.'),
    order: z.enum(SEARCH_ORDERS),
    complete: z
      .boolean()
      .describe(
        'False when the query’s time budget ran out before the page was filled: `data` holds the matches found by ' +
          'then and, in the newest order, `nextCursor` continues from where the search stopped.',
      ),
    ranked: z
      .number()
      .int()
      .nullable()
      .describe(
        `With order=relevance, how many of the newest matches were ranked (at most ${RELEVANCE_WINDOW}); null otherwise.`,
      ),
    notice: z
      .string()
      .nullable()
      .describe('Why the answer is partial or the ranking limited, in words; else null.'),
  })
  .meta({ id: 'SearchPage' });
