import { createHash, randomBytes } from 'node:crypto';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildTestApp, expectProblem, useFreshApp } from './helpers/app.js';
import { createActor, createSource } from './helpers/factories.js';

// Trust and safety of writes: API keys and roles, the append-only audit log, optimistic concurrency
// (ETag / If-Match / If-None-Match) and Idempotency-Key. Test names start with the area they cover.

const CHALLENGE = 'Bearer realm="claimledger"';
const KEY_FORMAT = /^clk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

interface AuditEntry {
  id: number;
  at: string;
  keyId: number | null;
  keyLabel: string;
  resource: string;
  resourceId: number;
  operation: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

const ctx = useFreshApp();

/** A request sent with the given key (or a raw Authorization header value). */
const as = (authorization: string) => supertest.agent(ctx.app.server).set('authorization', authorization);
const withKey = (key: string) => as(`Bearer ${key}`);

const secretOf = (key: string) => {
  const match = KEY_FORMAT.exec(key);
  if (!match?.[2]) throw new Error(`not an API key: ${key}`);
  return match[2];
};
const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const newKeyValue = () => `clk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;

/** The id of one of the test context's keys, found by its label. */
async function keyIdOf(label: string): Promise<number> {
  const res = await ctx.api.get('/keys');
  const found = (res.body.data as { id: number; label: string }[]).find((k) => k.label === label);
  if (!found) throw new Error(`no key labelled ${label}`);
  return found.id;
}

/** The audit entries for one resource (or all of them), oldest first, read straight from the table. */
function auditRows(resource?: string, resourceId?: number): { operation: string; resourceId: number }[] {
  const db = ctx.app.db.$client;
  if (resource === undefined) {
    return db.prepare('SELECT operation, resource_id AS resourceId FROM audit_log ORDER BY id').all() as {
      operation: string;
      resourceId: number;
    }[];
  }
  const sql =
    'SELECT operation, resource_id AS resourceId FROM audit_log WHERE resource = ? AND (? IS NULL OR resource_id = ?) ORDER BY id';
  return db.prepare(sql).all(resource, resourceId ?? null, resourceId ?? null) as {
    operation: string;
    resourceId: number;
  }[];
}

async function auditOf(resource: string, resourceId: number): Promise<AuditEntry[]> {
  const res = await ctx.api.get('/audit').query({ resource, resourceId, limit: 100 });
  expect(res.status).toBe(200);
  return res.body.data;
}

describe('trust: API keys', () => {
  it('keys: POST /keys returns the key once, uncacheable, in the documented format', async () => {
    const res = await ctx.api.post('/keys').send({ label: 'Investigations desk', role: 'editor' });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.location).toBe(`/keys/${res.body.id}`);
    expect(res.body).toEqual({
      id: expect.any(Number),
      label: 'Investigations desk',
      role: 'editor',
      prefix: expect.stringMatching(/^clk_[0-9a-f]{12}$/),
      createdAt: expect.any(String),
      revokedAt: null,
      key: expect.stringMatching(KEY_FORMAT),
    });
    expect(res.body.key.startsWith(`${res.body.prefix}_`)).toBe(true);

    // The new key works at once with its role.
    const made = await withKey(res.body.key).post('/actors').send({ name: 'X', kind: 'group' });
    expect(made.status).toBe(201);
  });

  it('keys: GET /keys lists keys without any secret', async () => {
    const created = await ctx.api.post('/keys').send({ label: 'Desk', role: 'reader' });
    const key: string = created.body.key;
    const secret = secretOf(key);

    const res = await ctx.api.get('/keys');
    expect(res.status).toBe(200);
    const listed = res.body.data as Record<string, unknown>[];
    expect(listed.map((k) => k.label)).toEqual(['Desk', 'test reader', 'test editor', 'test admin']);
    for (const entry of listed) {
      expect(Object.keys(entry).sort()).toEqual(['createdAt', 'id', 'label', 'prefix', 'revokedAt', 'role']);
    }
    const every = [key, secret, ...Object.values(ctx.keys), ...Object.values(ctx.keys).map(secretOf)];
    for (const entry of listed) {
      for (const value of Object.values(entry)) {
        const text = String(value);
        for (const s of every) {
          expect(text).not.toBe(s);
          expect(text).not.toContain(s);
        }
      }
    }
    expect(res.text).not.toContain(secret);
    expect(listed.find((k) => k.label === 'Desk')).toMatchObject({
      id: created.body.id,
      prefix: created.body.prefix,
    });
  });

  it('keys: DELETE /keys/{id} revokes at once; the next request with the key is 401 with a Bearer challenge', async () => {
    const created = await ctx.api.post('/keys').send({ label: 'Leaky laptop', role: 'editor' });
    const key: string = created.body.key;
    expect((await withKey(key).get('/actors')).status).toBe(200);

    const revoked = await ctx.api.delete(`/keys/${created.body.id}`);
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe('');

    const next = await withKey(key).get('/actors');
    expect(next.status).toBe(401);
    expect(next.headers['www-authenticate']).toBe(CHALLENGE);
    expectProblem(next, 401, 'UNAUTHORIZED', '/actors', {
      title: 'A valid API key is required',
      detail: 'The API key is unknown or revoked.',
      requestId: next.headers['x-request-id'],
    });
    const write = await withKey(key).post('/actors').send({ name: 'X', kind: 'group' });
    expect(write.status).toBe(401);
    expect(write.headers['www-authenticate']).toBe(CHALLENGE);
    expect(auditRows('actor')).toEqual([]);

    const listed = await ctx.api.get('/keys');
    expect(listed.body.data.find((k: { id: number }) => k.id === created.body.id)).toMatchObject({
      revokedAt: expect.any(String),
    });
  });

  it('keys: revoking twice is fine and keeps the first revocation time', async () => {
    const created = await ctx.api.post('/keys').send({ label: 'Twice', role: 'reader' });
    expect((await ctx.api.delete(`/keys/${created.body.id}`)).status).toBe(204);
    const first = (await ctx.api.get('/keys')).body.data.find(
      (k: { id: number }) => k.id === created.body.id,
    );
    expect((await ctx.api.delete(`/keys/${created.body.id}`)).status).toBe(204);
    const second = (await ctx.api.get('/keys')).body.data.find(
      (k: { id: number }) => k.id === created.body.id,
    );
    expect(second.revokedAt).toBe(first.revokedAt);
    expect((await withKey(created.body.key).get('/actors')).status).toBe(401);
  });

  it('keys: revoking an unknown key id is 404 KEY_NOT_FOUND', async () => {
    const res = await ctx.api.delete('/keys/9999');
    expectProblem(res, 404, 'KEY_NOT_FOUND', '/keys/9999', {
      title: 'API key not found',
      detail: 'API key 9999 does not exist.',
    });
  });

  it('keys: the database never holds a key in clear, only its SHA-256 hex', async () => {
    const created = await ctx.api.post('/keys').send({ label: 'Stored', role: 'admin' });
    const all = [created.body.key as string, ...Object.values(ctx.keys)];
    const db = ctx.app.db.$client;

    const columns = (
      db.prepare("SELECT name, type FROM pragma_table_info('api_keys')").all() as {
        name: string;
        type: string;
      }[]
    )
      .filter((c) => c.type.toLowerCase() === 'text')
      .map((c) => c.name);
    expect(columns).toEqual(expect.arrayContaining(['label', 'prefix', 'hash']));
    const rows = db.prepare('SELECT * FROM api_keys').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      for (const column of columns) {
        const value = row[column];
        if (value === null) continue;
        for (const key of all) {
          expect(String(value)).not.toContain(key);
          expect(String(value)).not.toContain(secretOf(key));
        }
      }
    }
    const hashes = rows.map((r) => r.hash);
    for (const key of all) expect(hashes).toContain(sha256Hex(key));

    // And nowhere else in the database either (audit log, idempotency records, free pages...).
    const image = db.serialize();
    for (const key of all) expect(image.includes(Buffer.from(secretOf(key)))).toBe(false);
  });
});

describe('trust: roles', () => {
  it('roles: an anonymous write is 401 with a Bearer challenge and stores nothing', async () => {
    const res = await ctx.anonymous.post('/actors').send({ name: 'X', kind: 'group' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(CHALLENGE);
    expectProblem(res, 401, 'UNAUTHORIZED', '/actors', {
      title: 'A valid API key is required',
      detail: 'This request needs an API key: send Authorization: Bearer <key>.',
      requestId: res.headers['x-request-id'],
    });
    for (const req of [
      ctx.anonymous.patch('/actors/1').send({ name: 'Y' }),
      ctx.anonymous.delete('/actors/1'),
    ]) {
      const r = await req;
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBe(CHALLENGE);
    }
    expect((await ctx.api.get('/actors')).body.data).toEqual([]);
    expect(auditRows()).toEqual([]);
  });

  it('roles: a reader key cannot write (403 FORBIDDEN)', async () => {
    const actor = await createActor(ctx.api, { name: 'Before' });
    const reader = withKey(ctx.keys.reader);
    expect((await reader.get(`/actors/${actor.id}`)).status).toBe(200);

    const res = await reader.post('/actors').send({ name: 'X', kind: 'group' });
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expectProblem(res, 403, 'FORBIDDEN', '/actors', {
      title: 'The API key’s role does not allow this',
      detail: 'This request needs a key with the editor role; this key is reader.',
    });
    const patch = await reader.patch(`/actors/${actor.id}`).send({ name: 'After' });
    expect(patch.status).toBe(403);
    expect(patch.body.code).toBe('FORBIDDEN');
    expect((await ctx.api.get(`/actors/${actor.id}`)).body.name).toBe('Before');
    expect(auditRows('actor')).toEqual([{ operation: 'create', resourceId: actor.id }]);
  });

  it('roles: an editor creates and patches but cannot hard-delete; an admin can', async () => {
    const editor = withKey(ctx.keys.editor);
    const created = await editor.post('/actors').send({ name: 'Editor made', kind: 'group' });
    expect(created.status).toBe(201);
    const patched = await editor.patch(`/actors/${created.body.id}`).send({ name: 'Editor changed' });
    expect(patched.status).toBe(200);

    const deleted = await editor.delete(`/actors/${created.body.id}`);
    expectProblem(deleted, 403, 'FORBIDDEN', `/actors/${created.body.id}`, {
      title: 'The API key’s role does not allow this',
      detail: 'This request needs a key with the admin role; this key is editor.',
    });
    expect((await ctx.api.get(`/actors/${created.body.id}`)).status).toBe(200);

    expect((await ctx.api.delete(`/actors/${created.body.id}`)).status).toBe(204);
    expect((await ctx.api.get(`/actors/${created.body.id}`)).status).toBe(404);
  });

  it('roles: an editor cannot manage keys or read the audit log (403)', async () => {
    const editor = withKey(ctx.keys.editor);
    const reader = withKey(ctx.keys.reader);
    const adminKeyId = await keyIdOf('test admin');
    for (const agent of [editor, reader]) {
      const create = await agent.post('/keys').send({ label: 'Escalate', role: 'admin' });
      expect(create.status).toBe(403);
      expect(create.body.code).toBe('FORBIDDEN');
      expect(create.body.key).toBeUndefined();
      expect((await agent.get('/keys')).status).toBe(403);
      expect((await agent.delete(`/keys/${adminKeyId}`)).status).toBe(403);
      const audit = await agent.get('/audit');
      expect(audit.status).toBe(403);
      expect(audit.body.code).toBe('FORBIDDEN');
    }
    for (const req of [ctx.anonymous.get('/keys'), ctx.anonymous.get('/audit')]) {
      const r = await req;
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBe(CHALLENGE);
    }
    // Nothing escalated: still the three keys of the context, and the admin key still works.
    expect((await ctx.api.get('/keys')).body.data).toHaveLength(3);
  });

  it('roles: a malformed or unknown bearer token is 401 even on a public GET', async () => {
    const unknown = newKeyValue();
    const wrongSecret = `${ctx.keys.admin.slice(0, 'clk_'.length + 12)}_${randomBytes(32).toString('base64url')}`;
    const headers = [
      'Bearer not-a-key',
      `Bearer ${unknown}`,
      `Bearer ${wrongSecret}`,
      `Bearer ${ctx.keys.admin}x`,
      `Basic ${Buffer.from('admin:admin').toString('base64')}`,
      'Bearer',
      ctx.keys.admin,
    ];
    expect((await ctx.anonymous.get('/actors')).status).toBe(200);
    for (const header of headers) {
      for (const path of ['/actors', '/health']) {
        const res = await as(header).get(path);
        expect(res.status, `${header} on ${path}`).toBe(401);
        expect(res.headers['www-authenticate']).toBe(CHALLENGE);
        expectProblem(res, 401, 'UNAUTHORIZED', path, {
          title: 'A valid API key is required',
          detail: 'The API key is unknown or revoked.',
        });
      }
    }
  });

  it('roles: reads are public by default', async () => {
    const actor = await createActor(ctx.api);
    expect((await ctx.anonymous.get('/actors')).status).toBe(200);
    expect((await ctx.anonymous.get(`/actors/${actor.id}`)).status).toBe(200);
    expect((await ctx.anonymous.get(`/actors/${actor.id}/history`)).status).toBe(200);
    expect((await ctx.anonymous.get('/claims')).status).toBe(200);
  });

  it('roles: with requireKeyForReads an anonymous read is 401, but health, the API description and docs answer', async () => {
    const locked = await buildTestApp({ requireKeyForReads: true });
    try {
      const res = await locked.anonymous.get('/claims');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(CHALLENGE);
      expectProblem(res, 401, 'UNAUTHORIZED', '/claims', {
        title: 'A valid API key is required',
        detail: 'This request needs an API key: send Authorization: Bearer <key>.',
      });
      expect((await locked.anonymous.get('/actors/1')).status).toBe(401);

      const reader = supertest.agent(locked.app.server).set('authorization', `Bearer ${locked.keys.reader}`);
      expect((await reader.get('/claims')).status).toBe(200);

      // Soft, so that each public route that wrongly asks for a key is reported.
      const health = await locked.anonymous.get('/health');
      expect.soft(health.status, '/health').toBe(200);
      expect.soft(health.body).toEqual({ status: 'ok', database: 'ok', claims: 0 });
      const openapi = await locked.anonymous.get('/openapi.json');
      expect.soft(openapi.status, '/openapi.json').toBe(200);
      expect.soft(openapi.body.openapi).toBe('3.1.0');
      const docs = await locked.anonymous.get('/docs/');
      expect.soft(docs.status, '/docs/').toBe(200);
      expect.soft(docs.headers['content-type']).toMatch(/^text\/html/);
    } finally {
      await locked.close();
    }
  });

  it('roles: a bootstrap admin key in the right format works as an admin key', async () => {
    const bootstrap = newKeyValue();
    const app = await buildTestApp({ bootstrapAdminKey: bootstrap });
    try {
      const admin = supertest.agent(app.app.server).set('authorization', `Bearer ${bootstrap}`);
      const listed = await admin.get('/keys');
      expect(listed.status).toBe(200);
      expect(listed.body.data).toContainEqual(
        expect.objectContaining({
          label: 'bootstrap admin',
          role: 'admin',
          prefix: bootstrap.slice(0, 'clk_'.length + 12),
          revokedAt: null,
        }),
      );
      expect((await admin.post('/keys').send({ label: 'Desk', role: 'editor' })).status).toBe(201);
      expect((await admin.get('/audit')).status).toBe(200);
      const actor = await createActor(admin);
      expect((await admin.delete(`/actors/${actor.id}`)).status).toBe(204);
      const stored = app.app.db.$client
        .prepare('SELECT hash FROM api_keys WHERE label = ?')
        .get('bootstrap admin');
      expect(stored).toEqual({ hash: sha256Hex(bootstrap) });
    } finally {
      await app.close();
    }
  });
});

describe('trust: audit log and history', () => {
  it('audit: create, patch and delete of an actor each write one record with key, operation, before, after and request id', async () => {
    const editorId = await keyIdOf('test editor');
    const adminId = await keyIdOf('test admin');
    const editor = withKey(ctx.keys.editor);

    const created = await editor.post('/actors').send({ name: 'Audited', kind: 'group' });
    expect(created.status).toBe(201);
    const id: number = created.body.id;
    const patched = await editor.patch(`/actors/${id}`).send({ name: 'Audited again' });
    expect(patched.status).toBe(200);
    const deleted = await ctx.api.delete(`/actors/${id}`);
    expect(deleted.status).toBe(204);

    const entries = await auditOf('actor', id);
    expect(entries).toEqual([
      {
        id: expect.any(Number),
        at: expect.any(String),
        keyId: editorId,
        keyLabel: 'test editor',
        resource: 'actor',
        resourceId: id,
        operation: 'create',
        before: null,
        after: created.body,
        requestId: created.headers['x-request-id'],
      },
      {
        id: expect.any(Number),
        at: expect.any(String),
        keyId: editorId,
        keyLabel: 'test editor',
        resource: 'actor',
        resourceId: id,
        operation: 'update',
        before: created.body,
        after: patched.body,
        requestId: patched.headers['x-request-id'],
      },
      {
        id: expect.any(Number),
        at: expect.any(String),
        keyId: adminId,
        keyLabel: 'test admin',
        resource: 'actor',
        resourceId: id,
        operation: 'delete',
        before: patched.body,
        after: null,
        requestId: deleted.headers['x-request-id'],
      },
    ]);
    const requestIds = entries.map((e) => e.requestId);
    expect(new Set(requestIds).size).toBe(3);
  });

  it('audit: create, patch and delete of a claim each write one record', async () => {
    const source = await createSource(ctx.api);
    const speaker = await createActor(ctx.api);
    const created = await ctx.api.post('/claims').send({
      sourceId: source.id,
      claimantId: speaker.id,
      text: 'A workshop was targeted.',
      stance: 'asserts',
      modality: 'paraphrase',
      quote: { exact: 'targeted by micro drones' },
    });
    expect(created.status).toBe(201);
    const id: number = created.body.id;
    const patched = await withKey(ctx.keys.editor)
      .patch(`/claims/${id}`)
      .send({ text: 'A workshop was hit by micro drones.' });
    expect(patched.status).toBe(200);
    const deleted = await ctx.api.delete(`/claims/${id}`);
    expect(deleted.status).toBe(204);

    const entries = await auditOf('claim', id);
    expect(entries.map((e) => [e.operation, e.keyLabel, e.requestId])).toEqual([
      ['create', 'test admin', created.headers['x-request-id']],
      ['update', 'test editor', patched.headers['x-request-id']],
      ['delete', 'test admin', deleted.headers['x-request-id']],
    ]);
    expect(entries[0]).toMatchObject({ before: null, after: created.body });
    expect(entries[1]).toMatchObject({ before: created.body, after: patched.body });
    expect(entries[2]).toMatchObject({ before: patched.body, after: null });
  });

  it('history: GET /actors/{id}/history lists the changes oldest first, and still answers after a delete', async () => {
    const actor = await createActor(ctx.api, { name: 'v1' });
    await ctx.api.patch(`/actors/${actor.id}`).send({ name: 'v2' });
    await ctx.api.patch(`/actors/${actor.id}`).send({ name: 'v3' });

    const history = await ctx.anonymous.get(`/actors/${actor.id}/history`);
    expect(history.status).toBe(200);
    const names = (history.body.data as AuditEntry[]).map((e) => [
      e.operation,
      (e.before as { name: string } | null)?.name ?? null,
      (e.after as { name: string } | null)?.name ?? null,
    ]);
    expect(names).toEqual([
      ['create', null, 'v1'],
      ['update', 'v1', 'v2'],
      ['update', 'v2', 'v3'],
    ]);
    const ids = (history.body.data as AuditEntry[]).map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    const paged = await ctx.api.get(`/actors/${actor.id}/history?limit=2`);
    expect(paged.body.data).toHaveLength(2);
    expect(paged.body.nextCursor).toEqual(expect.any(String));
    const rest = await ctx.api.get(`/actors/${actor.id}/history?limit=2&cursor=${paged.body.nextCursor}`);
    expect(rest.body).toEqual({ data: [expect.objectContaining({ operation: 'update' })], nextCursor: null });

    expect((await ctx.api.delete(`/actors/${actor.id}`)).status).toBe(204);
    const after = await ctx.api.get(`/actors/${actor.id}/history`);
    expect(after.status).toBe(200);
    expect((after.body.data as AuditEntry[]).map((e) => e.operation)).toEqual([
      'create',
      'update',
      'update',
      'delete',
    ]);

    const never = await ctx.api.get('/actors/9999/history');
    expect(never.status).toBe(404);
    expect(never.body.code).toBe('ACTOR_NOT_FOUND');
  });

  it('audit: a failed 4xx write leaves no audit record', async () => {
    const source = await createSource(ctx.api);
    const speaker = await createActor(ctx.api);
    const before = auditRows();

    const res = await ctx.api.post('/claims').send({
      sourceId: source.id,
      claimantId: speaker.id,
      text: 'Not in the text.',
      stance: 'asserts',
      modality: 'paraphrase',
      quote: { exact: 'this sentence is nowhere in the source' },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('QUOTE_NOT_FOUND');

    const cycle = await createActor(ctx.api, { name: 'Child', parentId: speaker.id });
    const afterCreate = auditRows();
    const refused = await ctx.api.patch(`/actors/${speaker.id}`).send({ parentId: cycle.id });
    expect(refused.status).toBe(422);
    const missing = await ctx.api.patch('/actors/9999').send({ name: 'Ghost' });
    expect(missing.status).toBe(404);

    expect(afterCreate).toEqual([...before, { operation: 'create', resourceId: cycle.id }]);
    expect(auditRows()).toEqual(afterCreate);
    expect(auditRows('claim')).toEqual([]);
  });

  it('audit: GET /audit filters by resource and operation and paginates (admin only)', async () => {
    const a = await createActor(ctx.api, { name: 'A' });
    const b = await createActor(ctx.api, { name: 'B' });
    await createSource(ctx.api);
    await ctx.api.patch(`/actors/${a.id}`).send({ name: 'A2' });
    await ctx.api.patch(`/actors/${b.id}`).send({ name: 'B2' });
    await ctx.api.patch(`/actors/${a.id}`).send({ name: 'A3' });

    const first = await ctx.api.get('/audit?resource=actor&operation=update&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data.map((e: AuditEntry) => [e.resource, e.operation, e.resourceId])).toEqual([
      ['actor', 'update', a.id],
      ['actor', 'update', b.id],
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(first.headers.link).toContain('rel="next"');
    const second = await ctx.api.get(
      `/audit?resource=actor&operation=update&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(
      second.body.data.map((e: AuditEntry) => [
        e.operation,
        e.resourceId,
        (e.after as { name: string }).name,
      ]),
    ).toEqual([['update', a.id, 'A3']]);
    expect(second.body.nextCursor).toBeNull();

    const byRecord = await ctx.api.get(`/audit?resource=actor&resourceId=${b.id}`);
    expect(byRecord.body.data.map((e: AuditEntry) => e.operation)).toEqual(['create', 'update']);
    const creates = await ctx.api.get('/audit?operation=create');
    expect(creates.body.data.map((e: AuditEntry) => e.resource)).toEqual(['actor', 'actor', 'source']);

    const bad = await ctx.api.get('/audit?operation=erase');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect((await withKey(ctx.keys.editor).get('/audit?resource=actor')).status).toBe(403);
  });

  it('audit: the log is append-only, even for direct SQL', async () => {
    const actor = await createActor(ctx.api);
    const db = ctx.app.db.$client;
    expect(() => db.exec("UPDATE audit_log SET key_label = 'someone else'")).toThrow(/append-only/);
    expect(() => db.exec(`UPDATE audit_log SET after = NULL WHERE resource_id = ${actor.id}`)).toThrow(
      /append-only/,
    );
    expect(() => db.exec('DELETE FROM audit_log')).toThrow(/append-only/);
    expect(() => db.exec(`DELETE FROM audit_log WHERE resource_id = ${actor.id}`)).toThrow(/append-only/);

    const entries = await auditOf('actor', actor.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ keyLabel: 'test admin', operation: 'create', after: actor });
  });
});

describe('trust: ETag, If-Match and If-None-Match', () => {
  it('etag: GET sends an ETag, and If-None-Match with it is a 304 with an empty body', async () => {
    const actor = await createActor(ctx.api);
    const res = await ctx.api.get(`/actors/${actor.id}`);
    expect(res.status).toBe(200);
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect((await ctx.api.get(`/actors/${actor.id}`)).headers.etag).toBe(etag);

    const fresh = await ctx.api.get(`/actors/${actor.id}`).set('if-none-match', etag);
    expect(fresh.status).toBe(304);
    expect(fresh.text ?? '').toBe('');
    expect(fresh.body).toEqual({});
    expect(fresh.headers.etag).toBe(etag);

    const stale = await ctx.api.get(`/actors/${actor.id}`).set('if-none-match', '"something-else"');
    expect(stale.status).toBe(200);
    expect(stale.body).toEqual(res.body);
  });

  it('etag: PATCH with a stale If-Match is 412 PRECONDITION_FAILED and changes nothing', async () => {
    const actor = await createActor(ctx.api, { name: 'Original' });
    const read = await ctx.api.get(`/actors/${actor.id}`);
    const staleEtag = read.headers.etag as string;
    expect(
      (await ctx.api.patch(`/actors/${actor.id}`).send({ description: 'changed meanwhile' })).status,
    ).toBe(200);
    const current = await ctx.api.get(`/actors/${actor.id}`);
    const auditBefore = auditRows('actor', actor.id);

    const res = await ctx.api
      .patch(`/actors/${actor.id}`)
      .set('if-match', staleEtag)
      .send({ name: 'Overwrite' });
    expectProblem(res, 412, 'PRECONDITION_FAILED', `/actors/${actor.id}`, {
      title: 'The record has changed since it was read',
      detail: 'The record has changed since that ETag was issued; GET it again and retry.',
    });
    const after = await ctx.api.get(`/actors/${actor.id}`);
    expect(after.body).toEqual(current.body);
    expect(after.headers.etag).toBe(current.headers.etag);
    expect(auditRows('actor', actor.id)).toEqual(auditBefore);
  });

  it('etag: PATCH with the current ETag succeeds and returns a new ETag', async () => {
    const actor = await createActor(ctx.api, { name: 'Original' });
    const read = await ctx.api.get(`/actors/${actor.id}`);
    const res = await ctx.api
      .patch(`/actors/${actor.id}`)
      .set('if-match', read.headers.etag as string)
      .send({ name: 'Renamed' });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Renamed');
    expect(res.headers.etag).toEqual(expect.any(String));
    expect(res.headers.etag).not.toBe(read.headers.etag);
    const reread = await ctx.api.get(`/actors/${actor.id}`);
    expect(reread.headers.etag).toBe(res.headers.etag);

    // The old ETag is now stale; the new one is good for the next write.
    expect(
      (
        await ctx.api
          .patch(`/actors/${actor.id}`)
          .set('if-match', read.headers.etag as string)
          .send({ name: 'x' })
      ).status,
    ).toBe(412);
    expect(
      (
        await ctx.api
          .patch(`/actors/${actor.id}`)
          .set('if-match', res.headers.etag as string)
          .send({ name: 'Renamed twice' })
      ).status,
    ).toBe(200);
  });

  it('etag: DELETE with a stale If-Match is 412 and the record stays', async () => {
    const actor = await createActor(ctx.api, { name: 'Keep me' });
    const read = await ctx.api.get(`/actors/${actor.id}`);
    await ctx.api.patch(`/actors/${actor.id}`).send({ name: 'Kept' });

    const res = await ctx.api.delete(`/actors/${actor.id}`).set('if-match', read.headers.etag as string);
    expect(res.status).toBe(412);
    expect(res.body.code).toBe('PRECONDITION_FAILED');
    const still = await ctx.api.get(`/actors/${actor.id}`);
    expect(still.status).toBe(200);
    expect(still.body.name).toBe('Kept');
    expect(auditRows('actor', actor.id).map((r) => r.operation)).toEqual(['create', 'update']);

    const ok = await ctx.api.delete(`/actors/${actor.id}`).set('if-match', still.headers.etag as string);
    expect(ok.status).toBe(204);
  });

  it('etag: with requireIfMatch a PATCH or DELETE without If-Match is 428 PRECONDITION_REQUIRED', async () => {
    const strict = await buildTestApp({ requireIfMatch: true });
    try {
      const actor = await createActor(strict.api, { name: 'Strict' });
      const res = await strict.api.patch(`/actors/${actor.id}`).send({ name: 'Blind write' });
      expectProblem(res, 428, 'PRECONDITION_REQUIRED', `/actors/${actor.id}`, {
        title: 'Send If-Match with the ETag you read',
        detail: 'This service requires If-Match on updates and deletes: GET the record, then send its ETag.',
      });
      expect((await strict.api.delete(`/actors/${actor.id}`)).status).toBe(428);
      const read = await strict.api.get(`/actors/${actor.id}`);
      expect(read.body.name).toBe('Strict');

      const ok = await strict.api
        .patch(`/actors/${actor.id}`)
        .set('if-match', read.headers.etag as string)
        .send({ name: 'Careful write' });
      expect(ok.status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('trust: concurrency', () => {
  it('concurrency: 20 concurrent PATCHes with the same ETag give exactly one 200 and nineteen 412s', async () => {
    const actor = await createActor(ctx.api, { name: 'Contested' });
    const etag = (await ctx.api.get(`/actors/${actor.id}`)).headers.etag as string;

    const names = Array.from({ length: 20 }, (_, i) => `Writer ${i}`);
    const responses = await Promise.all(
      names.map((name) =>
        supertest(ctx.app.server)
          .patch(`/actors/${actor.id}`)
          .set('authorization', `Bearer ${ctx.keys.editor}`)
          .set('if-match', etag)
          .send({ name }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);

    const winner = responses.find((r) => r.status === 200);
    const stored = await ctx.api.get(`/actors/${actor.id}`);
    expect(stored.body.name).toBe(winner?.body.name);
    expect(names).toContain(stored.body.name);
    expect(stored.headers.etag).toBe(winner?.headers.etag);

    const updates = auditRows('actor', actor.id).filter((r) => r.operation === 'update');
    expect(updates).toHaveLength(1);
    const entries = await auditOf('actor', actor.id);
    expect(entries.filter((e) => e.operation === 'update')).toEqual([
      expect.objectContaining({
        after: winner?.body,
        requestId: winner?.headers['x-request-id'],
        keyLabel: 'test editor',
      }),
    ]);
  });
});

describe('trust: Idempotency-Key', () => {
  const body = { name: 'Retried actor', kind: 'group' };

  it('idempotency: the same key and body replay the first 201 without a second record', async () => {
    const first = await ctx.api.post('/actors').set('idempotency-key', 'retry-123').send(body);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const second = await ctx.api.post('/actors').set('idempotency-key', 'retry-123').send(body);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.headers.location).toBe(`/actors/${first.body.id}`);

    const listed = await ctx.api.get('/actors');
    expect(listed.body.data).toHaveLength(1);
    expect(auditRows('actor')).toEqual([{ operation: 'create', resourceId: first.body.id }]);
  });

  it('idempotency: the same key with another body is 422 IDEMPOTENCY_KEY_REUSED and stores nothing', async () => {
    const first = await ctx.api.post('/actors').set('idempotency-key', 'retry-456').send(body);
    expect(first.status).toBe(201);

    const res = await ctx.api
      .post('/actors')
      .set('idempotency-key', 'retry-456')
      .send({ ...body, name: 'Something else' });
    expect(res.status).toBe(422);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    expectProblem(res, 422, 'IDEMPOTENCY_KEY_REUSED', '/actors', {
      title: 'The Idempotency-Key was used for another request',
      detail: 'This Idempotency-Key was already used with a different request.',
      errors: [{ in: 'headers', pointer: '/idempotency-key', message: expect.any(String) }],
    });
    const listed = await ctx.api.get('/actors');
    expect(listed.body.data.map((a: { name: string }) => a.name)).toEqual(['Retried actor']);
    expect(auditRows('actor')).toHaveLength(1);

    // The key is still bound to the first request: a retry of it is still replayed.
    const retry = await ctx.api.post('/actors').set('idempotency-key', 'retry-456').send(body);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
  });

  it('idempotency: the same key sent with a different API key is independent', async () => {
    const byAdmin = await ctx.api.post('/actors').set('idempotency-key', 'shared-key').send(body);
    const byEditor = await withKey(ctx.keys.editor)
      .post('/actors')
      .set('idempotency-key', 'shared-key')
      .send(body);
    expect(byAdmin.status).toBe(201);
    expect(byEditor.status).toBe(201);
    expect(byEditor.headers['idempotent-replayed']).toBeUndefined();
    expect(byEditor.body.id).not.toBe(byAdmin.body.id);

    // Another key's different body under the same Idempotency-Key is no reuse either.
    const other = await withKey(ctx.keys.editor)
      .post('/actors')
      .set('idempotency-key', 'admin-only-key')
      .send({ name: 'Editor body', kind: 'group' });
    await ctx.api.post('/actors').set('idempotency-key', 'admin-only-key').send(body);
    expect(other.status).toBe(201);

    const replay = await withKey(ctx.keys.editor)
      .post('/actors')
      .set('idempotency-key', 'shared-key')
      .send(body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(byEditor.body.id);
    expect((await ctx.api.get('/actors')).body.data).toHaveLength(4);
  });

  it('idempotency: an invalid Idempotency-Key is a 400 and stores nothing', async () => {
    const long = await ctx.api.post('/actors').set('idempotency-key', 'k'.repeat(300)).send(body);
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({
      status: 400,
      errors: [expect.objectContaining({ in: 'headers', pointer: '/idempotency-key' })],
    });

    const spaced = await ctx.api.post('/actors').set('idempotency-key', 'has a space').send(body);
    expectProblem(spaced, 400, 'BAD_REQUEST', '/actors', {
      title: 'Bad request',
      detail: 'Idempotency-Key must be 1 to 200 visible ASCII characters.',
      errors: [{ in: 'headers', pointer: '/idempotency-key', message: 'Not a valid Idempotency-Key' }],
    });

    expect((await ctx.api.get('/actors')).body.data).toEqual([]);
    expect(auditRows()).toEqual([]);
  });
});

describe('etag: the cross-checking views', () => {
  it('etag: the attribution board and the provenance chain send ETags, answer 304 to a current copy, and change with the data', async () => {
    const seeded = await buildTestApp({ seed: true });
    try {
      const [event] = (await seeded.api.get('/events').query({ q: 'Ministry of Defence facility' })).body
        .data;
      const board = await seeded.api.get(`/events/${event.id}/attributions`).expect(200);
      expect(board.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      const fresh = await seeded.api
        .get(`/events/${event.id}/attributions`)
        .set('if-none-match', String(board.headers.etag));
      expect(fresh.status).toBe(304);
      expect(fresh.text).toBe('');

      const claimId = board.body.actors[0].positions[0].entries[0].claim.id;
      const provenance = await seeded.api.get(`/claims/${claimId}/provenance`).expect(200);
      expect(
        (
          await seeded.api
            .get(`/claims/${claimId}/provenance`)
            .set('if-none-match', String(provenance.headers.etag))
        ).status,
      ).toBe(304);

      await seeded.api.patch(`/claims/${claimId}`).send({ text: 'Reworded.' }).expect(200);
      const changed = await seeded.api
        .get(`/claims/${claimId}/provenance`)
        .set('if-none-match', String(provenance.headers.etag));
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).not.toBe(provenance.headers.etag);
    } finally {
      await seeded.close();
    }
  });
});
