import { z } from 'zod';
import { envSchema, type EnvConfig } from '../config/env.js';
import { ConfigError } from '../config/load.js';

/** The ops service's own variables; the rest (Kafka, Redis, topics, keys) are the workers' ones. */
export const opsEnvSchema = z.object({
  OPS_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  OPS_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** When set, /api/* needs `Authorization: Bearer <token>` or `?token=<token>` (EventSource sends no headers). */
  OPS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
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

/** Validates both schemas, reporting every problem by variable name (as the workers do). */
export function loadOpsConfig(environment: NodeJS.ProcessEnv = process.env): OpsConfig {
  const env = envSchema.safeParse(environment);
  // An empty OPS_TOKEN (e.g. `OPS_TOKEN=` in a compose file) means no token.
  const ops = opsEnvSchema.safeParse({ ...environment, OPS_TOKEN: environment.OPS_TOKEN || undefined });
  const problems = [...(env.success ? [] : env.error.issues), ...(ops.success ? [] : ops.error.issues)].map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  if (!env.success || !ops.success) throw new ConfigError(problems);
  return { env: env.data, ops: ops.data };
}
