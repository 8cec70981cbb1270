import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { lazyChildLogger } from '../src/lib/lazy-logger.js';

function appLogging(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  // Fastify logs each request and its response at info: at warn, those lines must not make a child either.
  const app = Fastify({ logger: { level, stream }, childLoggerFactory: lazyChildLogger });
  const child = vi.spyOn(app.log, 'child');
  app.get('/quiet', async (request) => {
    request.log.info('not at warn');
    request.log.debug('nor this');
    return { ok: true };
  });
  app.get('/loud', async (request) => {
    request.log.info('not at warn');
    request.log.warn({ extra: 1 }, 'kept');
    request.log.error('kept too');
    return { level: request.log.level };
  });
  app.get('/chatty', { logLevel: 'info' }, async (request) => {
    request.log.info('kept at the route’s level');
    return { ok: true };
  });
  return { app, lines, child };
}

describe('lazyChildLogger', () => {
  it('makes no child for a request that logs nothing at the level', async () => {
    const { app, lines, child } = appLogging('warn');
    const res = await app.inject('/quiet');
    expect(res.statusCode).toBe(200);
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    await app.close();
  });

  it('makes the child on the first line kept, with the request id, once per request', async () => {
    const { app, lines, child } = appLogging('warn');
    const res = await app.inject('/loud');
    expect(res.json()).toEqual({ level: 'warn' });
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map((l) => [l.level, l.msg, l.extra])).toEqual([
      [40, 'kept', 1],
      [50, 'kept too', undefined],
    ]);
    expect(lines[0]?.reqId).toEqual(expect.any(String));
    expect(lines[1]?.reqId).toBe(lines[0]?.reqId);
    await app.close();
  });

  it('gives a route with its own level a real child at once', async () => {
    const { app, lines, child } = appLogging('warn');
    await app.inject('/chatty');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map((l) => l.msg)).toEqual([
      'incoming request',
      'kept at the route’s level',
      'request completed',
    ]);
    expect(new Set(lines.map((l) => l.reqId)).size).toBe(1);
    await app.close();
  });
});
