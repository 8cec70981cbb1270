import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { openSnapshot } from '../../db/client.js';
import { problem } from '../../errors.js';
import { chunkLines, NDJSON_MEDIA_TYPE, ndjsonLines } from '../../lib/ndjson.js';
import { problemResponses } from '../../lib/openapi.js';
import { SYSTEM_PRINCIPAL } from '../keys/keys.service.js';
import { exportNdjson } from './export.service.js';
import { createImporter } from './import.service.js';
import {
  ExportBody,
  ImportBody,
  ImportResultSchema,
  LINE_FORMAT_DOC,
  MAX_IMPORT_BYTES,
} from './transfer.schemas.js';

export interface TransferRoutesOptions {
  /** The largest import body, in bytes (MAX_IMPORT_BYTES unless set). */
  importBodyLimit?: number | undefined;
}

const unsupported = () =>
  problem(
    'UNSUPPORTED_MEDIA_TYPE',
    `Send the records as ${NDJSON_MEDIA_TYPE} (UTF-8): one JSON object a line.`,
  );

// The import body is NDJSON text, checked line by line by the importer (its schema documents one line);
// the headers are validated as on every other route.
const headersOnly: typeof validatorCompiler = (route) =>
  route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : validatorCompiler(route);

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

export const transferRoutes: FastifyPluginAsync<TransferRoutesOptions> = async (app, opts) => {
  const bodyLimit = opts.importBodyLimit ?? MAX_IMPORT_BYTES;

  // This plugin's parsers only (it is encapsulated: every other route keeps JSON): NDJSON, read as bytes
  // and decoded as strict UTF-8 so that a stray byte is refused rather than turned into U+FFFD; any other
  // content type is a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(NDJSON_MEDIA_TYPE, { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return done(unsupported());
    try {
      done(null, new TextDecoder('utf-8', { fatal: true }).decode(body as Buffer));
    } catch {
      done(problem('BAD_REQUEST', 'The body is not valid UTF-8 text.'));
    }
  });
  app.addContentTypeParser('*', (_request, _payload, done) => done(unsupported()));

  const principalOf = (request: FastifyRequest) => request.principal ?? SYSTEM_PRINCIPAL;

  app.post('/imports', {
    bodyLimit,
    validatorCompiler: headersOnly as never,
    schema: {
      operationId: 'importRecords',
      tags: ['transfer'],
      summary: 'Import records from NDJSON',
      description:
        'Creates the records of an NDJSON body in one transaction, with the same checks as the single-record ' +
        'API (references, quote anchoring, uniqueness) and an audit record for each. If any line is refused, ' +
        'nothing is stored and the 422 problem lists every refused line: in `errors[]`, `line` (1-based), ' +
        '`pointer` (within that line), `code` and `message`. Lines may refer only to lines before them. ' +
        `The body is at most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB (413 beyond); the service answers nothing ` +
        `else while an import runs (about a second per thousand records), so load larger files with ` +
        `\`npm run import\`.`,
      consumes: [NDJSON_MEDIA_TYPE],
      body: ImportBody,
      response: {
        201: ImportResultSchema,
        ...problemResponses(400, 401, 403, 413, 415, 422, 429),
      },
    },
    preValidation: async (request) => {
      if (request.body === undefined) {
        throw problem('EMPTY_BODY', `Send the records as ${NDJSON_MEDIA_TYPE}: one JSON object a line.`);
      }
    },
    handler: async (request, reply) => {
      const text = request.body as string;
      const result = await app.write(() => {
        const importer = createImporter(app.db, { principal: principalOf(request), requestId: request.id });
        for (const { line, text: record } of ndjsonLines(text)) importer.add(line, record);
        const summary = importer.finish();
        return { ...summary, refs: importer.refs() };
      });
      return reply.code(201).send(result as never);
    },
  });

  app.get('/export', {
    config: { role: 'reader' },
    schema: {
      operationId: 'exportRecords',
      tags: ['transfer'],
      summary: 'Export the whole record as NDJSON',
      description:
        'Streams every actor, source, event, claim (retracted ones too), attribution and claim link, one ' +
        'line of the import format, ordered so that each line refers only to lines before it: `POST /imports` of ' +
        'the export into an empty database recreates the record (with new ids). The export is a consistent ' +
        'snapshot, taken when the request starts. It leaves out API keys, the audit log and server-set times ' +
        '(`createdAt`, `updatedAt`, `gradedAt`, `retractedAt`, which an import sets anew). Needs a key with the ' +
        `reader role or above. ${LINE_FORMAT_DOC}`,
      security: [{ apiKey: [] }],
      produces: [NDJSON_MEDIA_TYPE],
      response: {
        200: ExportBody,
        ...problemResponses(400, 401, 403, 429),
      },
    },
    handler: async (_request, reply) => {
      const snapshot = openSnapshot(app.db);
      const stream = Readable.from(chunkLines(exportNdjson(snapshot)), { objectMode: false });
      stream.once('close', () => snapshot.$client.close());
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type(`${NDJSON_MEDIA_TYPE}; charset=utf-8`)
        .header('content-disposition', `attachment; filename="claimledger-${day}.ndjson"`)
        .send(stream);
    },
  });
};
