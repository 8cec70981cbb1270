import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ProblemError } from '../../errors.js';
import { listFormatOf, listResponses, sendList } from '../../lib/list-formats.js';
import { nextPageLink, type Page } from '../../lib/pagination.js';
import { decodeSearchCursor } from './search.cursor.js';
import { RELEVANCE_WINDOW, SearchPage, SearchQuery } from './search.schemas.js';
import { createSearchService } from './search.service.js';

export interface SearchRoutesOptions {
  databasePath: string;
  workers: number;
  budgetMs: number;
  graceMs: number;
}

export const searchRoutes: FastifyPluginAsyncZod<SearchRoutesOptions> = async (app, opts) => {
  const service = createSearchService({ db: app.db, ...opts });
  app.addHook('onReady', () => service.ready());
  app.addHook('onClose', () => service.close());

  app.get('/search', {
    schema: {
      operationId: 'search',
      tags: ['search'],
      summary: 'Search claims, quotes and sources',
      description:
        'Full-text search over claim texts with their claimants’ names and aliases, the verbatim quotes claims are ' +
        'anchored to, and source titles and texts with their publishers’ names and aliases. English words match ' +
        'whatever their ending (porter stemming: `quadcopter` and `quadcopters`); case and diacritics are ignored. ' +
        'See `q` for the syntax: what is not meant as syntax is searched as plain words.\n\n' +
        'By default the newest records come first and a page costs about its size, however many records match. ' +
        `\`order=relevance\` ranks the ${RELEVANCE_WINDOW} newest matches by bm25 (a document using the words more ` +
        'often, or shorter, ranks higher). Each hit carries a plain-text snippet with the code-point ranges of its ' +
        'matches, the whole claim for claim and quote hits, and its source.\n\n' +
        'Every query has a time budget (250 ms unless configured): when it runs out, the answer holds what was found ' +
        'by then, with `complete: false`, a `notice`, and in the newest order a `nextCursor` that continues the scan. ' +
        'Queries run in worker threads with their own read-only connections, so none can hold up other requests.',
      querystring: SearchQuery,
      response: listResponses(SearchPage, 400, 503),
    },
    handler: async (request, reply) => {
      const { cursor, format, ...query } = request.query;
      const run = (after: string | undefined, limit: number) => {
        const resume = after === undefined ? undefined : decodeSearchCursor(after);
        if (resume && resume.order !== query.order) {
          throw new ProblemError(
            'INVALID_CURSOR',
            `This cursor continues a search in the ${resume.order} order.`,
            {
              errors: [{ in: 'query', pointer: '/cursor', message: `Issued for order=${resume.order}` }],
            },
          );
        }
        return service.search({
          ...query,
          limit,
          before: resume?.order === 'newest' ? resume.before : undefined,
          top: resume?.order === 'relevance' ? resume.top : undefined,
          offset: resume?.order === 'relevance' ? resume.offset : undefined,
        });
      };
      if (listFormatOf(request, format) !== 'json') {
        // A CSV or NDJSON file of every match: the search's own pages, followed cursor by cursor.
        return sendList(request, reply, {
          fetch: async (after, size) => JSON.parse((await run(after, size)).json) as Page<unknown>,
          cursor,
          limit: query.limit,
          format,
          page: SearchPage,
          name: 'search',
        });
      }
      const answer = await run(cursor, query.limit);
      reply.header('vary', 'accept');
      if (answer.nextCursor) reply.header('link', nextPageLink(request.url, answer.nextCursor));
      // Serialized by the search worker (with the SearchPage schema): a string with a JSON type is sent as it is.
      return reply.type('application/json; charset=utf-8').send(answer.json as never);
    },
  });
};
