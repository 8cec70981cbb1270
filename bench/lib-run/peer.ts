import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { type Child, freePort, get, startChild } from './children.js';

/*
 * An optional peer: Platformatic DB, which generates a REST API over the same SQLite file. It is not a
 * dependency of this project and none of its code is in the repository; install it anywhere and point the
 * benchmark at that folder:
 *
 *   mkdir -p /tmp/platformatic && npm install --prefix /tmp/platformatic @platformatic/db
 *   npm run bench -- --peer /tmp/platformatic
 *
 * Only the tables the API serves are mapped (Platformatic refuses composite keys with a text part, such as
 * event_parties', and api_keys or the audit log must not be served). Its rows are flat: no embedded claimant,
 * source, chain or `verified` quote.
 */

const TABLES = ['actors', 'sources', 'events', 'claims', 'claim_reported_via', 'attributions', 'claim_links'];

export function peerEntry(dir: string): string | null {
  const entry = resolve(dir, 'node_modules/@platformatic/db/db.mjs');
  return existsSync(entry) ? entry : null;
}

/** Starts Platformatic DB on `database`; resolves once it answers. */
export async function startPeer(dir: string, database: string): Promise<Child> {
  const entry = peerEntry(dir);
  if (!entry) throw new Error(`${dir} has no node_modules/@platformatic/db (see bench/lib-run/peer.ts)`);
  const port = await freePort();
  const configDir = mkdtempSync(join(os.tmpdir(), 'claimledger-peer-'));
  const config = join(configDir, 'platformatic.json');
  writeFileSync(
    config,
    JSON.stringify({
      server: { hostname: '127.0.0.1', port, logger: { level: 'warn' } },
      db: {
        connectionString: `sqlite://${resolve(database)}`,
        graphql: false,
        include: Object.fromEntries(TABLES.map((t) => [t, true])),
      },
    }),
  );
  const child = startChild(
    'peer (Platformatic DB)',
    process.execPath,
    [entry, 'start', '-c', config],
    {},
    port,
  );
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    if (child.proc.exitCode !== null) {
      throw new Error(
        `Platformatic DB exited (${child.proc.exitCode}):\n${child.lines.slice(-20).join('\n')}`,
      );
    }
    try {
      if ((await get(port, '/claims?limit=1', 5000)).status === 200) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Platformatic DB did not answer within 120 s:\n${child.lines.slice(-20).join('\n')}`);
}

/**
 * The peer's claims by actor: the rows of `GET /claims?actor=&limit=20`, flat (the generated data has no
 * retracted claims, so the API's `retracted_at IS NULL` changes nothing there).
 */
export const peerClaimsByActor = (actorId: number) =>
  `/claims?where.claimantId.eq=${actorId}&orderby.id=asc&limit=20`;
