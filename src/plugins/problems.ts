import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  type FieldError,
  PROBLEMS,
  type Problem,
  type ProblemCode,
  ProblemError,
  problemSlug,
  problemType,
} from '../errors.js';
import { problemOfSqliteFault, sqliteFaultOf } from '../lib/sqlite-errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const VALIDATION_PART: Record<string, FieldError['in']> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

// Fastify's own errors, mapped onto the catalogue so that they leave in the same shape as ours.
const FASTIFY_CODES: Record<string, { code: ProblemCode; detail?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_JSON', detail: 'The body could not be parsed as JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'EMPTY_BODY',
    detail: 'The content type says JSON but the body is empty.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    detail: 'Send the body as application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST' },
  FST_ERR_BAD_URL: { code: 'BAD_REQUEST' },
  FST_ERR_MAX_PARAM_LENGTH: {
    code: 'BAD_REQUEST',
    detail: 'A path segment is longer than any id or name this service accepts.',
  },
  FST_ERR_NOT_FOUND: { code: 'ROUTE_NOT_FOUND' },
};

const escapePointerToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');

function fieldErrorsOf(error: FastifyError): FieldError[] {
  const part = VALIDATION_PART[error.validationContext ?? 'body'] ?? 'body';
  const out: FieldError[] = [];
  for (const v of error.validation ?? []) {
    const base = v.instancePath === '/' ? '' : v.instancePath;
    const keys = (v.params as { keys?: unknown }).keys;
    if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      for (const key of keys) {
        out.push({
          in: part,
          pointer: `${base}/${escapePointerToken(String(key))}`,
          message: part === 'query' ? 'Unknown query parameter' : 'Unknown field',
        });
      }
    } else {
      out.push({ in: part, pointer: base, message: v.message ?? 'Invalid value' });
    }
  }
  return out;
}

function describeValidation(errors: FieldError[]): string {
  const first = errors[0];
  if (!first) return 'The request is not valid.';
  const where = first.pointer === '' ? `The ${first.in}` : `The ${first.in} field ${first.pointer}`;
  const more =
    errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return `${where} is not valid: ${first.message}${more}.`;
}

export function buildProblem(request: FastifyRequest, error: FastifyError | ProblemError): Problem {
  const base = (code: ProblemCode, detail: string): Problem => ({
    type: problemType(code),
    title: PROBLEMS[code].title,
    status: PROBLEMS[code].status,
    detail,
    code,
    // The URL as sent: the router may have been handed a repaired one (see lib/http-server.ts).
    instance: request.originalUrl.split('?')[0] ?? request.originalUrl,
    requestId: String(request.id),
  });

  if (error instanceof ProblemError) {
    return { ...base(error.code, error.message), ...error.extras };
  }
  if (hasZodFastifySchemaValidationErrors(error) || error.validation) {
    const errors = fieldErrorsOf(error as FastifyError);
    return { ...base('VALIDATION_FAILED', describeValidation(errors)), errors };
  }
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped) return base(mapped.code, mapped.detail ?? error.message);
  const fault = sqliteFaultOf(error);
  if (fault) {
    const mapped = problemOfSqliteFault(fault, 'read');
    return base(mapped.code, mapped.message);
  }
  if (error.code?.startsWith('SQLITE_CONSTRAINT')) {
    return base('CONFLICT', 'The change conflicts with stored data and was not applied.');
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Any other client error keeps its status when the catalogue has a code for it, else it is a 400.
    const sameStatus = (Object.keys(PROBLEMS) as ProblemCode[]).find((c) => PROBLEMS[c].status === status);
    return base(sameStatus ?? 'BAD_REQUEST', error.message);
  }
  return base('INTERNAL_ERROR', 'The server failed to handle the request. It has been logged.');
}

export function sendProblem(reply: FastifyReply, body: Problem) {
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** One error path for the whole service: every error, Fastify's own included, leaves as problem+json. */
export const problemsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((thrown: FastifyError | ProblemError, request, reply) => {
      // A storage fault outside the write path (a read's I/O error, a lock held elsewhere) keeps its Retry-After.
      const fault = sqliteFaultOf(thrown);
      const error = fault ? problemOfSqliteFault(fault, 'read') : thrown;
      if (fault) request.log.error({ err: thrown }, 'storage fault');
      const body = buildProblem(request, error);
      if (error instanceof ProblemError) reply.headers(error.headers);
      if (body.status >= 500 && !fault) request.log.error({ err: error }, 'request failed');
      else request.log.info({ code: body.code, status: body.status }, 'request rejected');
      return sendProblem(reply, body);
    });

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? request.url;
      const allowed = app.allowedMethods(path);
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '));
        return sendProblem(
          reply,
          buildProblem(
            request,
            new ProblemError(
              'METHOD_NOT_ALLOWED',
              `${request.method} is not served on ${request.originalUrl.split('?')[0]}; it answers ${allowed.join(', ')}.`,
            ),
          ),
        );
      }
      return sendProblem(
        reply,
        buildProblem(
          request,
          problem404(`No route matches ${request.method} ${request.originalUrl.split('?')[0]}.`),
        ),
      );
    });

    // Problem types are dereferenceable: GET /problems/quote-ambiguous explains QUOTE_AMBIGUOUS.
    app.get(
      '/problems/:slug',
      { config: { public: true }, schema: { hide: true } },
      async (request, reply) => {
        const { slug } = request.params as { slug: string };
        const entry = Object.entries(PROBLEMS).find(([code]) => problemSlug(code) === slug);
        if (!entry) {
          return sendProblem(reply, buildProblem(request, problem404(`No problem type is named ${slug}.`)));
        }
        const [code, { status, title }] = entry;
        return { type: problemType(code), code, status, title };
      },
    );
  },
  { name: 'problems' },
);

const problem404 = (detail: string) => new ProblemError('ROUTE_NOT_FOUND', detail);
