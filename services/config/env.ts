import { z } from 'zod';

const csv = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .refine((list) => list.length > 0, 'must list at least one host:port')
  .refine((list) => list.every((hp) => /^[^\s:]+:\d{1,5}$/.test(hp)), 'each entry must be host:port');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every environment variable Otklik reads, with defaults. Names are the contract with operators. */
export const envSchema = z.object({
  KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('otklik'),
  OTKLIK_GROUP_ID: z.string().min(1).default('otklik-worker'),
  OTKLIK_TOPIC_COMMENTS: z.string().min(1).default('otklik.comments.v1'),
  OTKLIK_TOPIC_CLASSIFIED: z.string().min(1).default('otklik.comments-classified.v1'),
  OTKLIK_TOPIC_ALERTS: z.string().min(1).default('otklik.sla-alerts.v1'),
  OTKLIK_TOPIC_DLQ: z.string().min(1).default('otklik.comments.dlq.v1'),
  OTKLIK_TOPIC_PARTITIONS: positiveInt(6),
  OTKLIK_TOPIC_REPLICATION: positiveInt(1),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  OTKLIK_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only')
    .default('otklik'),
  OTKLIK_SHARDS: z.coerce.number().int().min(1).max(1024).default(16),
  OTKLIK_CONFIG: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  HTTP_HOST: z.string().default('127.0.0.1'),
});

export type EnvConfig = z.infer<typeof envSchema>;
