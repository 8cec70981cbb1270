import { isIP } from 'node:net';
import { z } from 'zod';

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

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/claimledger.db'),
  SEED: booleanFlag.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REQUIRE_KEY_FOR_READS: booleanFlag.default(false),
  REQUIRE_IF_MATCH: booleanFlag.default(false),
  BOOTSTRAP_ADMIN_KEY: z.string().optional(),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(5_000),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  WEBHOOK_DISPATCH: booleanFlag.default(true),
  WEBHOOK_ALLOWED_NETWORKS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .refine((c) => isCidr(c), { message: 'Must be comma-separated CIDRs such as 127.0.0.1/32' }),
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
  BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
});

export type Env = z.infer<typeof configSchema>;

export interface AppConfig {
  databasePath: string;
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
}

export interface ServerConfig extends AppConfig {
  port: number;
  host: string;
}

export function loadConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
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
  };
}
