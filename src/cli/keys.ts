import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { KEY_ROLES } from '../db/schema.js';
import { createAuditService } from '../modules/audit/audit.service.js';
import { createKeysService, type Role, SYSTEM_PRINCIPAL } from '../modules/keys/keys.service.js';
import { fail, parseCommandLine, runCommand } from './command-line.js';

const usage = `Manage API keys in the database at DATABASE_PATH (safe while the server runs).

usage: npm run keys -- create --role reader|editor|admin [--label <text>]   create a key; prints it once
       npm run keys -- list                                                list keys, without their secrets
       npm run keys -- revoke <id>                                         revoke a key at once
       npm run keys -- generate                                            print a fresh key without storing it
                                                                           (for BOOTSTRAP_ADMIN_KEY)`;

const { positionals, values } = parseCommandLine(usage, {
  role: { type: 'string' },
  label: { type: 'string' },
});
const [command, argument, ...extra] = positionals;
if (extra.length > 0) fail(`unexpected argument ${extra[0]}; see --help`);

let databasePath: string | undefined;
await runCommand(
  'keys',
  () => {
    if (command === 'generate') {
      if (argument !== undefined || values.role || values.label)
        fail('generate takes no arguments; see --help');
      console.log(`clk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`);
      return;
    }
    if (command === 'create') {
      if (argument !== undefined) fail(`unexpected argument ${argument}; see --help`);
      if (!KEY_ROLES.includes(values.role as Role))
        fail('create needs --role reader, editor or admin; see --help');
    } else if (command === 'list') {
      if (argument !== undefined || values.role || values.label) fail('list takes no arguments; see --help');
    } else if (command === 'revoke') {
      if (!argument || !/^[1-9]\d{0,15}$/.test(argument)) fail('revoke needs the id of a key; see --help');
    } else {
      fail(command ? `unknown command ${command}; see --help` : usage);
    }

    databasePath = loadConfig(process.env).databasePath;
    // The live database: never create one (a typo would make an empty file), never ANALYZE it.
    const db = openDatabase(databasePath, { create: false, optimize: false });
    try {
      const keys = createKeysService(db);
      const audit = createAuditService(db);
      if (command === 'create') {
        const role = values.role as Role;
        // One small IMMEDIATE transaction: the write lock is held for a millisecond.
        const made = db.transaction(
          () => {
            const created = keys.create(values.label ?? `${role} key`, role);
            audit.record({
              principal: SYSTEM_PRINCIPAL,
              resource: 'key',
              resourceId: created.record.id,
              operation: 'create',
              before: null,
              after: created.record,
            });
            return created;
          },
          { behavior: 'immediate' },
        );
        console.log(made.key);
        console.error(
          `Created ${role} key ${made.record.id} (${made.record.label}). It is shown once: store it now.`,
        );
      } else if (command === 'list') {
        for (const k of keys.list()) {
          console.log(
            `${k.id}\t${k.role}\t${k.prefix}…\t${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}\t${k.label}`,
          );
        }
      } else {
        const id = Number(argument);
        const revoked = db.transaction(
          () => {
            const before = keys.get(id);
            if (!before) return null;
            const after = keys.revoke(id);
            audit.record({
              principal: SYSTEM_PRINCIPAL,
              resource: 'key',
              resourceId: id,
              operation: 'update',
              before,
              after,
            });
            return after;
          },
          { behavior: 'immediate' },
        );
        if (!revoked) throw new Error(`no key ${argument}`);
        console.log(`Revoked key ${revoked.id} (${revoked.label}).`);
      }
    } finally {
      db.$client.close();
    }
  },
  () => databasePath,
);
