/*
 * The problems the service answers with, and the error it throws to answer one. Plain TypeScript with no
 * imports, so that a search worker can throw them without loading zod; errors.ts adds their zod schemas for
 * the API description and re-exports all of this.
 */

/**
 * The error catalogue: every problem the API can answer with, by its stable `code`.
 * The `type` URI of a problem is `/problems/<slug>`, which the service itself serves.
 */
export const PROBLEMS = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  EMPTY_BODY: { status: 400, title: 'The request body is empty' },
  INVALID_CURSOR: { status: 400, title: 'The cursor is not valid' },
  INVALID_SEARCH_QUERY: { status: 400, title: 'The search query is not valid' },
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  UNAUTHORIZED: { status: 401, title: 'A valid API key is required' },
  FORBIDDEN: { status: 403, title: 'The API key’s role does not allow this' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  ACTOR_NOT_FOUND: { status: 404, title: 'Actor not found' },
  SOURCE_NOT_FOUND: { status: 404, title: 'Source not found' },
  EVENT_NOT_FOUND: { status: 404, title: 'Event not found' },
  CLAIM_NOT_FOUND: { status: 404, title: 'Claim not found' },
  ATTRIBUTION_NOT_FOUND: { status: 404, title: 'Attribution not found' },
  CLAIM_LINK_NOT_FOUND: { status: 404, title: 'Claim link not found' },
  CANDIDATE_NOT_FOUND: { status: 404, title: 'Candidate not found' },
  KEY_NOT_FOUND: { status: 404, title: 'API key not found' },
  HISTORY_NOT_FOUND: { status: 404, title: 'No history for this record' },
  WEBHOOK_NOT_FOUND: { status: 404, title: 'Webhook not found' },
  DELIVERY_NOT_FOUND: { status: 404, title: 'Webhook delivery not found' },
  CLAIM_NOT_GRADED: { status: 404, title: 'No credibility grade to publish a ClaimReview of' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  NOT_ACCEPTABLE: { status: 406, title: 'Not acceptable' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request took too long to arrive' },
  RESOURCE_IN_USE: { status: 409, title: 'The resource is still referenced' },
  DUPLICATE: { status: 409, title: 'The resource already exists' },
  SOURCE_TEXT_LOCKED: { status: 409, title: 'The source text is anchored by claims' },
  CONFLICT: { status: 409, title: 'The request conflicts with stored data' },
  CANDIDATE_DECIDED: { status: 409, title: 'The candidate has already been accepted or rejected' },
  PRECONDITION_FAILED: { status: 412, title: 'The record has changed since it was read' },
  BODY_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  REFERENCE_NOT_FOUND: { status: 422, title: 'A referenced record does not exist' },
  QUOTE_NOT_FOUND: { status: 422, title: 'The quote is not in the source text' },
  QUOTE_AMBIGUOUS: { status: 422, title: 'The quote occurs more than once in the source text' },
  QUOTE_CONTEXT_MISMATCH: { status: 422, title: 'The quote context does not match the source text' },
  HIERARCHY_CYCLE: { status: 422, title: 'The parent would make a cycle' },
  INCONSISTENT_REFERENCE: { status: 422, title: 'The references do not agree' },
  INCONSISTENT_FIELDS: { status: 422, title: 'The fields do not agree' },
  INVALID_TIME_RANGE: { status: 422, title: 'The event ends before it starts' },
  SELF_LINK: { status: 422, title: 'A claim cannot be linked to itself' },
  CANDIDATE_NEEDS_CORRECTION: { status: 422, title: 'The candidate cannot be filed without a correction' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The Idempotency-Key was used for another request' },
  IDEMPOTENCY_KEY_IN_USE: {
    status: 409,
    title: 'A request with this Idempotency-Key is still being handled',
  },
  WEBHOOK_URL_REFUSED: { status: 422, title: 'Webhooks may not be delivered to this address' },
  WEBHOOK_DISABLED: { status: 409, title: 'The webhook is disabled' },
  IMPORT_REFUSED: { status: 422, title: 'Lines of the import were refused; nothing was stored' },
  MATCH_AMBIGUOUS: { status: 422, title: 'The name matches more than one actor' },
  ALREADY_RETRACTED: { status: 409, title: 'The record is already retracted' },
  PRECONDITION_REQUIRED: { status: 428, title: 'Send If-Match with the ETag you read' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  INTERNAL_ERROR: { status: 500, title: 'Internal server error' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  DATABASE_BUSY: { status: 503, title: 'The database is busy' },
  STORAGE_FAILED: { status: 503, title: 'The storage failed' },
  STORAGE_READ_ONLY: { status: 503, title: 'The database cannot be written' },
  DISK_FULL: { status: 507, title: 'The disk is full' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export const problemSlug = (code: string) => code.toLowerCase().replaceAll('_', '-');
export const problemType = (code: string) => `/problems/${problemSlug(code)}`;

/** One field at fault (see FieldErrorSchema in errors.ts, which describes it in the API). */
export interface FieldError {
  in: 'body' | 'query' | 'params' | 'headers';
  pointer: string;
  message: string;
  line?: number | undefined;
  code?: string | undefined;
}

export interface ProblemExtras {
  errors?: FieldError[] | undefined;
  matches?: number | undefined;
  candidates?: number[] | undefined;
}

/** The one error type the service throws on purpose; the problem plugin renders it. */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly title: string;
  readonly extras: ProblemExtras;
  /** Response headers the problem needs, e.g. WWW-Authenticate or Retry-After. */
  readonly headers: Record<string, string>;

  constructor(
    code: ProblemCode,
    detail: string,
    extras: ProblemExtras = {},
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.code = code;
    this.status = PROBLEMS[code].status;
    this.title = PROBLEMS[code].title;
    this.extras = extras;
    this.headers = headers;
  }
}

export const problem = (
  code: ProblemCode,
  detail: string,
  extras?: ProblemExtras,
  headers?: Record<string, string>,
) => new ProblemError(code, detail, extras, headers);

/** A 422-or-400 problem about one body field. */
export const fieldProblem = (code: ProblemCode, pointer: string, detail: string) =>
  new ProblemError(code, detail, { errors: [{ in: 'body', pointer, message: detail }] });
