import { z } from 'zod';
import { envSchema, type EnvConfig } from '../../runtime/config/env.js';
import { ConfigError } from '../../runtime/config/load.js';
import { hostAllowlist, isLoopbackHost } from './host-check.js';

/** The ops service's own variables; the rest (Kafka, Redis, topics, keys) are the workers' ones. */
export const opsEnvSchema = z.object({
  /** Address the board listens on (beyond loopback it needs OPS_TOKEN). */
  OPS_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  /** Port of the board, its /healthz, /readyz and /metrics. */
  OPS_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /**
   * When set, /api/* needs the session cookie that `/?token=<token>` sets, or `Authorization: Bearer
   * <token>`. Required when OPS_HTTP_HOST is not a loopback address.
   */
  OPS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Host headers the board answers to (comma-separated `name` or `name:port`); any other gets 421, so a
   * page on another site cannot read the board through DNS rebinding. Default: the bound host (unless
   * it is 0.0.0.0 or ::), localhost, 127.0.0.1 and [::1], each with the port.
   */
  OPS_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((list) =>
      list
        ?.split(',')
        .map((h) => h.trim())
        .filter(Boolean),
    ),
  /** The analytics sink's HTTP address (e.g. http://127.0.0.1:9467): the «Аналитика» page shows its report. */
  OPS_ANALYTICS_URL: z.string().url().optional(),
  /** Live boards (server-sent events) open at once, in all and from one remote address. */
  OPS_SSE_MAX_CLIENTS: z.coerce.number().int().min(1).default(200),
  /** Live boards open at once from one remote address. */
  OPS_SSE_MAX_CLIENTS_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  /** A live board whose unsent output exceeds this many bytes is dropped (a reader that stopped reading). */
  OPS_SSE_MAX_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** A live board whose socket has not drained this long after a write filled it is dropped. */
  OPS_SSE_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  /** Alerts kept for the initial view of the feed. */
  OPS_ALERT_HISTORY: z.coerce.number().int().min(1).max(1000).default(50),
  /** Oldest overdue comments listed. */
  OPS_OVERDUE_LIMIT: z.coerce.number().int().min(1).max(200).default(20),
  /** Least time between two pushes of the board to a browser. */
  OPS_PUSH_INTERVAL_MS: z.coerce.number().int().min(200).max(60_000).default(1_000),
  /** How often the overdue / due-soon read (the board's one costly read) runs per filter. */
  OPS_SCAN_INTERVAL_MS: z.coerce.number().int().min(200).max(60_000).default(3_000),
  /** Members one shard's read may visit per set before the board says its figures are partial. */
  OPS_SCAN_CAP: z.coerce.number().int().min(20).default(100),
});

export type OpsEnv = z.infer<typeof opsEnvSchema>;

export interface OpsConfig {
  env: EnvConfig;
  ops: OpsEnv;
}

/**
 * Validates both schemas, reporting every problem by variable name (as the workers do). A board that
 * listens beyond loopback without a token is refused: anyone on the network would read it.
 */
export function loadOpsConfig(environment: NodeJS.ProcessEnv = process.env): OpsConfig {
  const env = envSchema.safeParse(environment);
  // An empty OPS_TOKEN (e.g. `OPS_TOKEN=` in a compose file) means no token.
  const ops = opsEnvSchema.safeParse({ ...environment, OPS_TOKEN: environment.OPS_TOKEN || undefined });
  const problems = [...(env.success ? [] : env.error.issues), ...(ops.success ? [] : ops.error.issues)].map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  if (ops.success && !ops.data.OPS_TOKEN && !isLoopbackHost(ops.data.OPS_HTTP_HOST)) {
    problems.push(
      `OPS_TOKEN: required when OPS_HTTP_HOST (${ops.data.OPS_HTTP_HOST}) is not a loopback address; ` +
        'set a secret of 16+ characters (e.g. `openssl rand -hex 24`) or bind to 127.0.0.1',
    );
  }
  try {
    if (ops.success) hostAllowlist(ops.data.OPS_ALLOWED_HOSTS ?? []);
  } catch (e) {
    problems.push(`OPS_ALLOWED_HOSTS: ${(e as Error).message}`);
  }
  if (!env.success || !ops.success || problems.length) throw new ConfigError(problems);
  return { env: env.data, ops: ops.data };
}
