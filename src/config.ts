import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { StartupError } from './startup-errors.js';

/** The database a first start creates; any other path must exist unless CREATE_DATABASE=true. */
export const DEFAULT_DATABASE_PATH = './data/claimledger.db';

/** clk_<12 hex: public prefix>_<43 base64url characters: 256-bit secret> */
export const KEY_FORMAT = /^clk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

const isCidr = (value: string) => {
  const [net = '', prefix, extra] = value.split('/');
  const family = isIP(net);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
};

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A comma-separated list, items trimmed, empty ones dropped. */
const commaList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  );

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default(DEFAULT_DATABASE_PATH),
  CREATE_DATABASE: booleanFlag.default(false),
  SEED: booleanFlag.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REQUIRE_KEY_FOR_READS: booleanFlag.default(false),
  REQUIRE_IF_MATCH: booleanFlag.default(false),
  BOOTSTRAP_ADMIN_KEY: z.string().regex(KEY_FORMAT).optional(),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  CORS_ORIGINS: commaList,
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  WRITE_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(5_000),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  WEBHOOK_DISPATCH: booleanFlag.default(true),
  WEBHOOK_ALLOWED_NETWORKS: commaList.pipe(
    z.array(
      z.string().refine((c) => isCidr(c), { message: 'Must be comma-separated CIDRs such as 127.0.0.1/32' }),
    ),
  ),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).default(1_000),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).default(5_000),
  WEBHOOK_RETRY_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(24 * 60 * 60 * 1000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  WEBHOOK_DISABLE_AFTER_GONE: z.coerce.number().int().min(1).default(3),
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).default(5),
  // Two where there are two cores: searches run in parallel, and a busy one never queues the next behind it.
  SEARCH_WORKERS: z.coerce.number().int().min(0).max(16).default(Math.min(2, availableParallelism())),
  SEARCH_TIME_BUDGET_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  WRITE_COMMIT_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(0),
  BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
});

export type Env = z.infer<typeof configSchema>;

const BOOLEAN = 'true or false (also 1/0, yes/no)';
/** What each setting must look like, for the one-line start-up error. */
const FORMS: Record<keyof Env, string> = {
  PORT: 'a whole number from 0 to 65535',
  HOST: 'a host name or address to listen on, e.g. 127.0.0.1 or 0.0.0.0',
  DATABASE_PATH: 'the path of the SQLite file, e.g. ./data/claimledger.db',
  CREATE_DATABASE: BOOLEAN,
  SEED: BOOLEAN,
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
  REQUIRE_KEY_FOR_READS: BOOLEAN,
  REQUIRE_IF_MATCH: BOOLEAN,
  BOOTSTRAP_ADMIN_KEY:
    'an API key clk_<12 hex digits>_<43 base64url characters>; `npm run keys -- generate` prints a fresh one',
  RATE_LIMIT_MAX: 'a whole number of requests, 1 or more',
  RATE_LIMIT_WINDOW_MS: 'a whole number of milliseconds, 1000 or more',
  CORS_ORIGINS: 'comma-separated origins, e.g. https://desk.example.org',
  REQUEST_TIMEOUT_MS: 'a whole number of milliseconds, 1000 or more',
  WRITE_LOCK_TIMEOUT_MS: 'a whole number of milliseconds from 0 to 60000',
  KEEP_ALIVE_TIMEOUT_MS: 'a whole number of milliseconds, 1000 or more',
  BODY_LIMIT: 'a whole number of bytes, 1024 or more',
  PUBLIC_BASE_URL: 'an http(s) URL, e.g. https://ledger.example.org',
  WEBHOOK_DISPATCH: BOOLEAN,
  WEBHOOK_ALLOWED_NETWORKS: 'comma-separated CIDRs, e.g. 127.0.0.1/32,10.1.2.0/24',
  WEBHOOK_TIMEOUT_MS: 'a whole number of milliseconds from 100 to 60000',
  WEBHOOK_POLL_MS: 'a whole number of milliseconds, 10 or more',
  WEBHOOK_RETRY_BASE_MS: 'a whole number of milliseconds, 10 or more',
  WEBHOOK_RETRY_WINDOW_MS: 'a whole number of milliseconds, 1000 or more',
  WEBHOOK_CONCURRENCY: 'a whole number from 1 to 100',
  WEBHOOK_DISABLE_AFTER_GONE: 'a whole number, 1 or more',
  WEBHOOK_DISABLE_AFTER_FAILURES: 'a whole number, 1 or more',
  SEARCH_WORKERS: 'a whole number of worker threads from 0 to 16',
  SEARCH_TIME_BUDGET_MS: 'a whole number of milliseconds from 10 to 60000',
  WRITE_COMMIT_DELAY_MS: 'a whole number of milliseconds from 0 to 1000',
};
/** Settings whose value is never repeated in an error message. */
const SECRET: ReadonlySet<string> = new Set(['BOOTSTRAP_ADMIN_KEY']);

export interface AppConfig {
  databasePath: string;
  /** Whether a missing database file is created (the default path, or CREATE_DATABASE=true). */
  createDatabase: boolean;
  seed: boolean;
  logLevel: Env['LOG_LEVEL'];
  bodyLimit: number;
  requireKeyForReads: boolean;
  requireIfMatch: boolean;
  bootstrapAdminKey?: string | undefined;
  rateLimitMax: number;
  rateLimitWindowMs: number;
  corsOrigins: string[];
  requestTimeoutMs: number;
  writeLockTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** The IRI base of exported documents; by default the scheme and host a request came to. */
  publicBaseUrl?: string | undefined;
  /** Run the webhook dispatcher in this process. */
  webhookDispatch: boolean;
  /** CIDRs that deliveries may reach although they are not public (loopback for tests, say). */
  webhookAllowedNetworks: string[];
  webhookTimeoutMs: number;
  webhookPollMs: number;
  webhookRetryBaseMs: number;
  webhookRetryWindowMs: number;
  webhookConcurrency: number;
  webhookDisableAfterGone: number;
  webhookDisableAfterFailures: number;
  /** Search worker threads (0: search on the main connection); an in-memory database always searches in-process. */
  searchWorkers: number;
  searchTimeBudgetMs: number;
  /** How long a write waits for others to share its commit (group commit); 0 commits what is queued. */
  writeCommitDelayMs: number;
}

export interface ServerConfig extends AppConfig {
  port: number;
  host: string;
}

/** Reads the environment; a bad setting is a StartupError naming it and what it must look like. */
export function loadConfig(env: NodeJS.ProcessEnv): ServerConfig {
  // An empty variable (`PORT=` in a compose file) means unset.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = configSchema.safeParse(given);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))] as (keyof Env)[];
    const message = names
      .map((name) => {
        const value = SECRET.has(name) ? '' : ` (got ${JSON.stringify(given[name])})`;
        return `${name} must be ${FORMS[name]}${value}`;
      })
      .join('; ');
    throw new StartupError(names.join(', '), message);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    createDatabase: e.CREATE_DATABASE || resolve(e.DATABASE_PATH) === resolve(DEFAULT_DATABASE_PATH),
    seed: e.SEED,
    logLevel: e.LOG_LEVEL,
    bodyLimit: e.BODY_LIMIT,
    requireKeyForReads: e.REQUIRE_KEY_FOR_READS,
    requireIfMatch: e.REQUIRE_IF_MATCH,
    bootstrapAdminKey: e.BOOTSTRAP_ADMIN_KEY,
    rateLimitMax: e.RATE_LIMIT_MAX,
    rateLimitWindowMs: e.RATE_LIMIT_WINDOW_MS,
    corsOrigins: e.CORS_ORIGINS,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    writeLockTimeoutMs: e.WRITE_LOCK_TIMEOUT_MS,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    webhookDispatch: e.WEBHOOK_DISPATCH,
    webhookAllowedNetworks: e.WEBHOOK_ALLOWED_NETWORKS,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookPollMs: e.WEBHOOK_POLL_MS,
    webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    webhookRetryWindowMs: e.WEBHOOK_RETRY_WINDOW_MS,
    webhookConcurrency: e.WEBHOOK_CONCURRENCY,
    webhookDisableAfterGone: e.WEBHOOK_DISABLE_AFTER_GONE,
    webhookDisableAfterFailures: e.WEBHOOK_DISABLE_AFTER_FAILURES,
    searchWorkers: e.SEARCH_WORKERS,
    searchTimeBudgetMs: e.SEARCH_TIME_BUDGET_MS,
    writeCommitDelayMs: e.WRITE_COMMIT_DELAY_MS,
  };
}
