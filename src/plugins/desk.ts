import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { problem } from '../errors.js';
import { projectRoot } from '../paths.js';

/** Where `npm run build:desk` writes the page (src/desk/vite.config.ts). */
export const DESK_DIR = join(projectRoot, 'dist', 'desk');

/**
 * The page's own policy: its scripts, styles, images and API calls come from this origin only, nothing
 * inline, nothing from anywhere else, and it cannot be framed. The API's responses keep the stricter
 * `default-src 'none'` that limitsPlugin sets.
 */
export const DESK_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

interface DeskFile {
  body: Buffer;
  type: string;
  etag: string;
  /** Built assets carry a content hash in their name, so they never change under one URL. */
  immutable: boolean;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

/** Every file of the build, read once at start-up: requests never touch the file system. */
function loadDesk(dir: string): Map<string, DeskFile> | null {
  if (!existsSync(join(dir, 'index.html'))) return null;
  const files = new Map<string, DeskFile>();
  for (const path of walk(dir)) {
    const type = CONTENT_TYPES[extname(path)];
    if (!type) continue;
    const body = readFileSync(path);
    const name = relative(dir, path).split(sep).join('/');
    files.set(name, {
      body,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      immutable: name !== 'index.html',
    });
  }
  return files;
}

function sendFile(request: FastifyRequest, reply: FastifyReply, file: DeskFile) {
  reply
    .header('content-security-policy', DESK_CSP)
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('etag', file.etag);
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  return reply.type(file.type).send(file.body);
}

/**
 * The desk: the journalists' page, a static single-page application served at `/` with its assets under
 * `/desk/`. It calls the public API like any other client; every other path keeps the API's problem+json
 * 404.
 */
export const deskPlugin = fp(
  async (app: FastifyInstance, opts: { dir?: string }) => {
    const files = loadDesk(opts.dir ?? DESK_DIR);
    // A page: helmet's headers for pages (config.helmet), then the desk's own policy.
    const route = { config: { public: true, helmet: {} }, schema: { hide: true } } as const;

    app.get('/', route, async (request, reply) => {
      const index = files?.get('index.html');
      if (!index) {
        throw problem(
          'SERVICE_UNAVAILABLE',
          'The desk page has not been built: run `npm run build` (or `npm run build:desk`), then restart.',
        );
      }
      return sendFile(request, reply, index);
    });

    // One route per built file: any other path under /desk/ is the API's ordinary 404.
    for (const [name, file] of files ?? []) {
      if (name === 'index.html') continue;
      app.get(`/desk/${name}`, route, async (request, reply) => sendFile(request, reply, file));
    }
  },
  { name: 'desk' },
);
