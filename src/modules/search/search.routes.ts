import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listResponses, sendList } from '../../lib/list-formats.js';
import { createSearchRepository, decodeSearchCursor } from './search.repository.js';
import { SearchPage, SearchQuery } from './search.schemas.js';

export const searchRoutes: FastifyPluginAsyncZod = async (app) => {
  const search = createSearchRepository(app.db);

  app.get('/search', {
    schema: {
      operationId: 'search',
      tags: ['search'],
      summary: 'Search claims, quotes and sources',
      description:
        'Full-text search over claim texts, the verbatim quotes claims are anchored to, and source titles and texts. ' +
        '`q` is an SQLite FTS5 query: words are ANDed, `"a phrase"` matches words in order, `OR` and `NOT` combine terms, ' +
        '`prefix*` matches word beginnings. Matching ignores case and diacritics. Curly quotes are read as straight ones and ' +
        'apostrophes as word breaks, so a quote pasted from a document can be searched as it is. ' +
        'A query FTS5 cannot parse is a 400 `INVALID_SEARCH_QUERY` giving SQLite’s reason.\n\n' +
        'Hits are ranked by FTS5’s bm25 (best first, ties in index order); a document that uses the words more often, ' +
        'or is shorter, ranks higher. Each hit carries a plain-text snippet with the code-point ranges of its matches, ' +
        'the whole claim for claim and quote hits, and its source.\n\n' +
        'Pages are positional: ranks exist only for one query, so a cursor is a position in this query’s ranking. ' +
        'Records written between pages can shift hits across a page boundary.',
      querystring: SearchQuery,
      response: listResponses(SearchPage, 400),
    },
    handler: async (request, reply) => {
      const { cursor, format, limit, ...filter } = request.query;
      return sendList(request, reply, {
        fetch: (after, size) => search.search({ ...filter, limit: size, offset: decodeSearchCursor(after) }),
        cursor,
        limit,
        format,
        page: SearchPage,
        name: 'search',
      });
    },
  });
};
