import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { loadSeedFile } from './seeds/seed-loader.js';

// The only module that reads process.env and listens; everything else takes its settings as arguments.
const config = loadConfig(process.env);

const { port, host, ...appConfig } = config;
const app = await buildApp({
  ...appConfig,
  logger: { level: config.logLevel, redact: ['req.headers.authorization'] },
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

try {
  await app.listen({ port, host });
  app.log.info(`docs at http://${host}:${port}/docs`);
} catch (err) {
  app.log.error({ err }, 'could not start');
  process.exit(1);
}
