import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problem } from '../../errors.js';
import { listResponses, sendList } from '../../lib/list-formats.js';
import { decodeCursor, encodeCursor } from '../../lib/pagination.js';
import { createAuditService } from '../audit/audit.service.js';
import { type Change, ChangePage, ChangesQuery } from './changes.schemas.js';

export const CHANGE_FEED_DOC =
  'Every create, update, retraction and delete of actors, sources, events, claims, attributions and claim links, ' +
  'in the order they were committed, each with the record after it (null after a delete). Read it from the start, ' +
  'then keep passing the last `nextCursor` as `after`: a change is never skipped. That holds because SQLite has one ' +
  'writer at a time: a change’s id is taken from the audit log inside the write transaction that makes it, and ' +
  'no other write can start before that transaction commits or rolls back, so ids are handed out in commit order ' +
  'and every snapshot a reader sees holds all changes up to some id and none after it. Writes that share one ' +
  'transaction (group commit) take consecutive ids and become visible together. ' +
  'API keys and webhook subscriptions are not in the feed. `format=ndjson` streams the feed from `after` to its current end.';

const afterOf = (cursor: string | undefined): number => {
  try {
    return decodeCursor(cursor) ?? 0;
  } catch {
    throw problem('INVALID_CURSOR', 'The cursor was not issued by this service or is damaged.', {
      errors: [{ in: 'query', pointer: '/after', message: 'Not a cursor issued by this service' }],
    });
  }
};

/** The change feed: the audit log's committed changes, for other systems to follow. */
export const changesRoutes: FastifyPluginAsyncZod = async (app) => {
  const audit = createAuditService(app.db);

  app.get('/changes', {
    config: { role: 'reader' },
    schema: {
      operationId: 'listChanges',
      tags: ['changes'],
      summary: 'The change feed: every committed change, in commit order',
      description: CHANGE_FEED_DOC,
      querystring: ChangesQuery,
      response: listResponses(ChangePage, 400, 401, 403),
    },
    handler: async (request, reply) => {
      const { after, limit, resource, format } = request.query;
      const fetch = (cursor: string | undefined, size: number) => {
        const from = cursor === 'latest' ? audit.latestId() : afterOf(cursor);
        const { rows, hasMore } = audit.changes(from, size, resource);
        const last = rows[rows.length - 1];
        return {
          data: rows as Change[],
          nextCursor: encodeCursor(last ? last.id : from),
          hasMore,
        };
      };
      return sendList(request, reply, {
        fetch,
        cursor: after,
        limit,
        format,
        page: ChangePage,
        name: 'changes',
        isLast: (page) => !(page as ReturnType<typeof fetch>).hasMore,
      });
    },
  });
};
