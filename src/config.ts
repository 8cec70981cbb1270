import { z } from 'zod';

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
  WRITE_COMMIT_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(0),
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
  /** How long a write waits for others to share its commit (group commit); 0 commits what is queued. */
  writeCommitDelayMs: number;
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
    writeCommitDelayMs: e.WRITE_COMMIT_DELAY_MS,
  };
}
