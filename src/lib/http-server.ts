import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { PROBLEMS, type ProblemCode, problemType } from '../errors.js';

/**
 * The security headers of every API response, including those Node's HTTP parser answers before any route or
 * hook runs (a timeout, oversized headers): the set a JSON API needs (OWASP's REST Security Cheat Sheet). Nothing
 * may be loaded, run or framed from a response, nor sniffed as another type; no referrer leaves. The headers that
 * only mean something for a page (opener and agent-cluster isolation, prefetch, download and XSS-filter
 * switches) are sent with the pages, the desk and the docs (plugins/security-headers.ts), not with every JSON
 * answer, where they were a third of the bytes of one claim.
 */
export const BASELINE_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/**
 * The HTTP server, with its clocks set so that a slow client is cut off at `requestTimeoutMs`, for the
 * headers and the body alike. Node checks for expired requests every `connectionsCheckingInterval`
 * (30 s by default, which is how a 3 s setting used to take 30 to 90 s); here it is a tenth of the timeout.
 */
export function createHttpServer(
  handler: http.RequestListener,
  opts: { requestTimeoutMs: number; keepAliveTimeoutMs: number },
): http.Server {
  const server = http.createServer(
    {
      requestTimeout: opts.requestTimeoutMs,
      headersTimeout: opts.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(opts.requestTimeoutMs / 10))),
    },
    handler,
  );
  server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  // An idle socket (nothing arriving, nothing being sent) is dropped after the same time.
  server.setTimeout(opts.requestTimeoutMs);
  return server;
}

const CLIENT_ERRORS: Record<string, [ProblemCode, (timeoutMs: number) => string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [
    'REQUEST_TIMEOUT',
    (ms) => `The request did not arrive whole within ${ms} ms (REQUEST_TIMEOUT_MS); send it faster.`,
  ],
  HPE_HEADER_OVERFLOW: [
    'HEADERS_TOO_LARGE',
    () => 'The request headers are larger than this server accepts.',
  ],
};

/**
 * Answers what Node's HTTP parser rejects before Fastify sees a request (a client too slow to send its
 * request, oversized headers, malformed HTTP) in the service's own shape: a problem with a request id and the
 * security headers. These never reach the rate limiter: there is no request to count.
 */
export function clientErrorHandler(log: FastifyBaseLogger, requestTimeoutMs: number) {
  return (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const pending = (
      socket as Socket & { _httpMessage?: http.ServerResponse & { req?: http.IncomingMessage } }
    )._httpMessage;
    if (pending?.headersSent || !socket.writable) {
      socket.destroy();
      return;
    }
    const [code, detail] = CLIENT_ERRORS[error.code ?? ''] ?? [
      'BAD_REQUEST' as const,
      () => 'The request is not valid HTTP.',
    ];
    const { status, title } = PROBLEMS[code];
    const requestId = randomUUID();
    const instance = pending?.req?.url?.split('?')[0] ?? '/';
    const body = JSON.stringify({
      type: problemType(code),
      title,
      status,
      detail: detail(requestTimeoutMs),
      code,
      instance,
      requestId,
    });
    const headers = {
      'content-type': 'application/problem+json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
      'x-request-id': requestId,
      ...BASELINE_SECURITY_HEADERS,
    };
    log.info({ requestId, code, reason: error.code }, 'client error before routing');
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\r\n');
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n${head}\r\n\r\n${body}`);
  };
}

/**
 * A path the router could not decode (`/actors/%ZZ`, a truncated UTF-8 sequence) is repaired by escaping
 * the stray `%` of the bad segment, so that the request goes through routing, hooks, validation and the
 * rate limit like any other (and the bad id is a 400 naming its parameter) instead of being answered by
 * the router alone. The problem's `instance` still shows the URL as sent.
 */
export function repairUrl(url: string): string {
  const at = url.indexOf('?');
  const path = at === -1 ? url : url.slice(0, at);
  if (!path.includes('%')) return url;
  const repaired = path
    .split('/')
    .map((segment) => {
      try {
        decodeURIComponent(segment);
        return segment;
      } catch {
        return segment.replaceAll('%', '%25');
      }
    })
    .join('/');
  return at === -1 ? repaired : repaired + url.slice(at);
}

const SENSITIVE_PARAM = /key|token|secret|auth|password|bearer/i;
const API_KEY_IN_TEXT = /clk_[^&#/?\s]*/g;

/** The URL for the log: API keys and credential-like query parameters are replaced by [REDACTED]. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  const path = at === -1 ? url : url.slice(0, at);
  let out = path.replace(API_KEY_IN_TEXT, 'clk_[REDACTED]');
  if (at !== -1) {
    const query = url
      .slice(at + 1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const name = eq === -1 ? pair : pair.slice(0, eq);
        if (eq === -1) return pair.replace(API_KEY_IN_TEXT, 'clk_[REDACTED]');
        let decoded = name;
        try {
          decoded = decodeURIComponent(name);
        } catch {}
        const value = pair.slice(eq + 1);
        return SENSITIVE_PARAM.test(decoded) || /clk_/i.test(value)
          ? `${name}=[REDACTED]`
          : `${name}=${value}`;
      })
      .join('&');
    out += `?${query}`;
  }
  return out;
}

/** Pino serializer of requests: what Fastify logs by default, with the URL redacted. */
export const requestLogSerializer = (request: {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) => ({
  method: request.method,
  url: redactUrl(request.url),
  host: request.host,
  remoteAddress: request.ip,
  remotePort: request.socket?.remotePort,
});
