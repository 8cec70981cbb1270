import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { loadSeedFile } from './seeds/seed-loader.js';
import { describeStartupError } from './startup-errors.js';

// The only module that reads process.env and listens; everything else takes its settings as arguments.

/** The exit status after a storage failure: the supervisor restarts the service, and SQLite recovers. */
const EXIT_STORAGE_FAILURE = 70;
/** How long in-flight requests get to be answered before that exit. */
const FAILURE_GRACE_MS = 1_000;

let databasePath: string | undefined;
try {
  const config = loadConfig(process.env);
  databasePath = config.databasePath;
  const { port, host, ...appConfig } = config;
  const app = await buildApp({
    ...appConfig,
    logger: { level: config.logLevel, redact: ['req.headers.authorization'] },
    // As PostgreSQL does after a failed fsync: no clean shutdown (no checkpoint, no PRAGMA optimize), just
    // an exit once in-flight requests are answered, so that the restart recovers from what is on disk.
    onStorageFailure: () => {
      app.server.close(() => process.exit(EXIT_STORAGE_FAILURE));
      app.server.closeIdleConnections();
      setTimeout(() => process.exit(EXIT_STORAGE_FAILURE), FAILURE_GRACE_MS);
    },
  });

  if (config.seed) {
    const result = loadSeedFile(app.db);
    if (result.loaded) app.log.info({ seed: result.name, ...result.counts }, 'seed loaded');
  }

  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down: finishing in-flight requests');
      // close() stops accepting connections, lets in-flight requests finish, then runs onClose (database).
      app.close().then(
        () => process.exit(0),
        (err) => {
          app.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }

  await app.listen({ port, host });
  app.log.info(`docs at http://${host}:${port}/docs`);
} catch (err) {
  // One line an operator can act on, without a stack trace.
  console.error(`claimledger could not start: ${describeStartupError(err, databasePath)}`);
  process.exit(1);
}
