import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { KEY_ROLES } from '../db/schema.js';
import { createAuditService } from '../modules/audit/audit.service.js';
import { createKeysService, type Role, SYSTEM_PRINCIPAL } from '../modules/keys/keys.service.js';

// npm run keys -- create --role admin [--label "Night desk"]   prints a new key (shown once)
// npm run keys -- list                                         lists keys without their secrets
// npm run keys -- revoke <id>
const usage =
  'usage: npm run keys -- create --role reader|editor|admin [--label <text>] | list | revoke <id>';
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { role: { type: 'string' }, label: { type: 'string' } },
});
const [command, argument] = positionals;

const db = openDatabase(loadConfig(process.env).databasePath);
const keys = createKeysService(db);
const audit = createAuditService(db);
try {
  if (command === 'create') {
    const role = values.role as Role;
    if (!KEY_ROLES.includes(role)) throw new Error(usage);
    const made = db.transaction(() => {
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
    });
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
  } else if (command === 'revoke' && argument && /^\d+$/.test(argument)) {
    const revoked = keys.revoke(Number(argument));
    if (!revoked) throw new Error(`no key ${argument}`);
    console.log(`Revoked key ${revoked.id} (${revoked.label}).`);
  } else {
    throw new Error(usage);
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  db.$client.close();
}
