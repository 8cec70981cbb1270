import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { apiKeys, type KEY_ROLES } from '../../db/schema.js';
import { nowIso } from '../../lib/schemas.js';
import { tableWriter } from '../../lib/statements.js';

export type Role = (typeof KEY_ROLES)[number];

export interface Principal {
  keyId: number | null;
  label: string;
  role: Role;
}

/** What the seed loader and command-line tools act as in the audit log. */
export const SYSTEM_PRINCIPAL: Principal = { keyId: null, label: 'system', role: 'admin' };

const RANK: Record<Role, number> = { reader: 1, editor: 2, admin: 3 };
export const roleAllows = (role: Role, needed: Role) => RANK[role] >= RANK[needed];

// clk_<12 hex: public prefix, finds the row>_<43 base64url chars: 256-bit secret>
const KEY_FORMAT = /^clk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

const hashOf = (key: string) => createHash('sha256').update(key, 'utf8').digest();

const BEARER = /^Bearer +(\S+)$/i;
const resolved = new WeakMap<object, Principal | null>();

/**
 * The principal of a request's `Authorization: Bearer` header (null when there is none or it is not a
 * valid key), looked up once per request: the rate limiter and the auth hook both need it.
 */
export function principalOfRequest(
  request: { headers: { authorization?: string | undefined } },
  keys: Pick<KeysService, 'authenticate'>,
): { sent: boolean; principal: Principal | null } {
  const header = request.headers.authorization;
  if (header === undefined) return { sent: false, principal: null };
  let principal = resolved.get(request);
  if (principal === undefined) {
    const token = BEARER.exec(header)?.[1];
    principal = token ? keys.authenticate(token) : null;
    resolved.set(request, principal);
  }
  return { sent: true, principal };
}

export function createKeysService(db: Db) {
  const byPrefix = db.$client.prepare(
    'SELECT id, label, role, hash, revoked_at AS revokedAt FROM api_keys WHERE prefix = ?',
  );
  const byId = db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.id, sql.placeholder('id')))
    .prepare();
  const keysTable = tableWriter(db, apiKeys);

  const service = {
    /** Creates a key; the returned secret is shown once and never stored. */
    create(label: string, role: Role, secret?: string) {
      const key = secret ?? `clk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
      const match = KEY_FORMAT.exec(key);
      if (!match) throw new Error('an API key must look like clk_<12 hex>_<43 base64url characters>');
      const id = keysTable.insert({
        label,
        role,
        prefix: match[1] as string,
        hash: hashOf(key).toString('hex'),
        createdAt: nowIso(),
      });
      return { key, record: service.toView(byId.get({ id }) as typeof apiKeys.$inferSelect) };
    },

    /** Creates the bootstrap admin key unless a key with its prefix exists already. */
    ensure(label: string, role: Role, key: string) {
      const match = KEY_FORMAT.exec(key);
      if (!match)
        throw new Error('BOOTSTRAP_ADMIN_KEY must look like clk_<12 hex>_<43 base64url characters>');
      if (byPrefix.get(match[1])) return false;
      service.create(label, role, key);
      return true;
    },

    /** The principal a bearer token stands for, or null for an unknown, malformed or revoked key. */
    authenticate(token: string): Principal | null {
      const match = KEY_FORMAT.exec(token);
      if (!match) return null;
      const row = byPrefix.get(match[1]) as
        | { id: number; label: string; role: Role; hash: string; revokedAt: string | null }
        | undefined;
      const given = hashOf(token);
      // Compare even when no row matched, so the time taken does not tell whether the prefix exists.
      const stored = row ? Buffer.from(row.hash, 'hex') : Buffer.alloc(given.length);
      const equal = timingSafeEqual(given, stored);
      if (!row || !equal || row.revokedAt !== null) return null;
      return { keyId: row.id, label: row.label, role: row.role };
    },

    list() {
      return db.select().from(apiKeys).orderBy(desc(apiKeys.id)).all().map(service.toView);
    },

    get(id: number) {
      const row = byId.get({ id });
      return row ? service.toView(row) : null;
    },

    /** Revokes at once: the next request with the key is refused. Returns false for an unknown id. */
    revoke(id: number) {
      const row = byId.get({ id });
      if (!row) return null;
      if (row.revokedAt === null) keysTable.update(id, { revokedAt: nowIso() });
      return service.get(id);
    },

    toView(row: typeof apiKeys.$inferSelect) {
      return {
        id: row.id,
        label: row.label,
        role: row.role,
        prefix: `clk_${row.prefix}`,
        createdAt: row.createdAt,
        revokedAt: row.revokedAt,
      };
    },
  };
  return service;
}

export type KeysService = ReturnType<typeof createKeysService>;
