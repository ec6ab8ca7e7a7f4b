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
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(fallback);

/** Every environment variable Otklik reads, with defaults. Names are the contract with operators. */
export const envSchema = z
  .object({
    // Kafka bootstrap brokers, host:port, comma-separated.
    KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
    // Kafka client id (the broker's group description shows who holds what).
    KAFKA_CLIENT_ID: z.string().min(1).default('otklik'),
    // Connect to Kafka over TLS.
    KAFKA_SSL: flag(false),
    // PEM file of the CA that signed the brokers' certificates (unset: the system's CAs).
    KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
    // Refuse brokers whose certificate does not verify (false only for a test broker).
    KAFKA_SSL_REJECT_UNAUTHORIZED: flag(true),
    // SASL mechanism for Kafka (unset: no SASL).
    KAFKA_SASL_MECHANISM: z
      .enum(['plain', 'scram-sha-256', 'scram-sha-512'], {
        error: 'must be plain, scram-sha-256 or scram-sha-512',
      })
      .optional(),
    // SASL user name (with KAFKA_SASL_MECHANISM).
    KAFKA_SASL_USERNAME: z.string().min(1).optional(),
    // SASL password (with KAFKA_SASL_MECHANISM). Never logged.
    KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    // The worker's consumer group (KEDA's ScaledObject follows its lag).
    OTKLIK_GROUP_ID: z.string().min(1).default('otklik-worker'),
    // Input topic: CommentEvents from the collectors.
    OTKLIK_TOPIC_COMMENTS: z.string().min(1).default('otklik.comments.v1'),
    // Output topic: ClassifiedComments.
    OTKLIK_TOPIC_CLASSIFIED: z.string().min(1).default('otklik.comments-classified.v1'),
    // Output topic: SLA alerts (WARNING, BREACH, ESCALATION) from the sweeper.
    OTKLIK_TOPIC_ALERTS: z.string().min(1).default('otklik.sla-alerts.v1'),
    // Dead-letter topic: messages the worker could not process, with the reason.
    OTKLIK_TOPIC_DLQ: z.string().min(1).default('otklik.comments.dlq.v1'),
    // Management decisions (`otklik decisions add`), JSON keyed by decision id; the analytics sink stores them.
    OTKLIK_TOPIC_DECISIONS: z.string().min(1).default('otklik.decisions.v1'),
    // Operator actions on appeals (OperatorAction, issue #16): written by `otklik act`, keyed by comment.
    OTKLIK_TOPIC_ACTIONS: z.string().min(1).default('otklik.operator-actions.v1'),
    // Incident events (IncidentEvent), written by the incident service (npm run incidents), keyed by id.
    OTKLIK_TOPIC_INCIDENTS: z.string().min(1).default('otklik.incidents.v1'),
    // Partitions of the topics Otklik creates when they are missing (an existing topic keeps its own); also the most workers that can share the load.
    OTKLIK_TOPIC_PARTITIONS: positiveInt(6),
    // Replication factor of the topics Otklik creates.
    OTKLIK_TOPIC_REPLICATION: positiveInt(1),
    // Redis: redis:// or rediss:// (TLS), with password and database if any. Never logged.
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .default('redis://127.0.0.1:6379'),
    // Prefix of every Redis key Otklik writes: several deployments (or tests) can share one Redis.
    OTKLIK_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only')
      .default('otklik'),
    // PEM file of the CA that signed Redis's certificate (rediss://).
    REDIS_TLS_CA_FILE: z.string().min(1).optional(),
    // Sentinels that name the current master (host:port,...): set them to follow failovers. REDIS_URL
    // then gives credentials, database and TLS only.
    REDIS_SENTINELS: z
      .string()
      .regex(
        /^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/,
        'must be host:port, comma-separated (the Sentinels, not the Redis servers)',
      )
      .optional(),
    // The master name the Sentinels watch (with REDIS_SENTINELS).
    REDIS_SENTINEL_NAME: z.string().min(1).default('otklik'),
    // Redis Cluster: some of its nodes (host:port,...), from which the rest and the slot map are learnt.
    // REDIS_URL then gives credentials and TLS only (a cluster has no databases but 0).
    REDIS_CLUSTER_NODES: z
      .string()
      .regex(
        /^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/,
        'must be host:port, comma-separated (some nodes of the Redis Cluster)',
      )
      .optional(),
    // The Sentinels' own password, if they have one.
    REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
    // Replicas that must hold a group's writes before the worker commits it (or the sweeper acks its
    // alerts): Redis WAIT, so that a failover loses nothing acknowledged. 0 (off) without replicas.
    OTKLIK_REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(16).default(0),
    // How long a WAIT may take; a shortfall is retried like any Redis failure (fetching paused).
    OTKLIK_REDIS_WAIT_TIMEOUT_MS: positiveInt(2_000),
    // Shards of the SLA state in Redis (deadline sets; part of the stored layout).
    OTKLIK_SHARDS: z.coerce.number().int().min(1).max(1024).default(16),
    // Start on a Redis whose hash-max-listpack-value is below what layout v2 needs (redis-settings.ts):
    // correct, about a third more memory per open item. For a managed Redis that refuses the setting.
    OTKLIK_REDIS_ACCEPT_SMALL_LISTPACK: z
      .enum(['0', '1', 'false', 'true'], { error: 'must be 0, 1, false or true' })
      .default('0')
      .transform((v) => v === '1' || v === 'true'),
    // Most messages one partition hands the worker at a time.
    OTKLIK_BATCH_SIZE: positiveInt(1000),
    // Partitions handled at once; their chunks share one Redis call, produce and commit (worker.ts).
    OTKLIK_PARTITIONS_CONCURRENCY: positiveInt(16),
    // Longest time the broker holds a fetch with nothing to read; bounds how long a stop waits.
    OTKLIK_FETCH_MAX_WAIT_MS: positiveInt(500),
    // Largest record the worker writes (dead letters are truncated to it, larger classified outputs are
    // dead-lettered): key, value, headers and framing. Keep it below the broker's message.max.bytes.
    OTKLIK_MAX_MESSAGE_BYTES: z.coerce.number().int().min(16_384).max(100_000_000).default(1_000_000),
    // /readyz fails once fetching has stayed paused (Redis or the broker failing) for longer than this.
    OTKLIK_READY_MAX_PAUSE_MS: positiveInt(60_000),
    // How often every role checks that Redis still holds the state generation it started with: the
    // longest a role writes into a Redis that lost its data before it stops (docs/faults.md).
    OTKLIK_STATE_CHECK_MS: positiveInt(5_000),
    // After SIGTERM, the longest the drain may take before the process exits with code 1.
    OTKLIK_SHUTDOWN_TIMEOUT_MS: positiveInt(30_000),
    // How long the consumer group waits for a silent process (killed, frozen) before moving its
    // partitions; within the broker's group.min/max.session.timeout.ms (6 s to 30 min by default).
    OTKLIK_CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(1_800_000).default(30_000),
    // The analytics sink (npm run analytics): its DuckDB file (one writer at a time) and its group.
    OTKLIK_ANALYTICS_DB: z.string().min(1).default('otklik-analytics.duckdb'),
    // The analytics sink's consumer group.
    OTKLIK_ANALYTICS_GROUP_ID: z.string().min(1).default('otklik-analytics'),
    // Its write-ahead log size before a checkpoint (docs/analytics.md, "Ingest speed").
    OTKLIK_ANALYTICS_CHECKPOINT_MB: z.coerce.number().int().min(1).max(16_384).default(256),
    // Its transactions' size: messages per partition's chunk, and the bytes a fetch brings per partition
    // (docs/analytics.md, "Ingest speed": a group of 6 partitions' chunks is one transaction).
    // (Defaults: ANALYTICS_CHUNK_SIZE and ANALYTICS_FETCH_MB in roles/analytics/analytics-sink.ts.)
    OTKLIK_ANALYTICS_CHUNK_SIZE: positiveInt(20_000),
    // The analytics sink's fetch size per partition, in MB (docs/analytics.md).
    OTKLIK_ANALYTICS_FETCH_MB: z.coerce.number().int().min(1).max(256).default(8),
    // DuckDB's threads for the sink's file, its live report's reads included (unset: one per core).
    OTKLIK_ANALYTICS_THREADS: z.coerce.number().int().min(1).max(256).optional(),
    // The incident service (npm run incidents, docs/incidents.md#the-service): its group; its detector
    // shards (regions are spread over them; part of the stored layout: changing it starts new logs);
    // how much event time its logs keep; how long a shard's lock lasts if its holder dies.
    OTKLIK_INCIDENTS_GROUP_ID: z.string().min(1).default('otklik-incidents'),
    // Detector shards of the incident service (each run by one replica at a time).
    OTKLIK_INCIDENT_SHARDS: z.coerce.number().int().min(1).max(64).default(1),
    // Event time the incident service's logs keep.
    OTKLIK_INCIDENT_RETENTION_HOURS: positiveInt(72),
    // How long a detector shard's lock lasts if its holder dies.
    OTKLIK_INCIDENT_LOCK_MS: z.coerce.number().int().min(1_000).max(300_000).default(15_000),
    // Steps an open incident's members' SLA priority is raised (low, normal, high, critical); 0: none.
    OTKLIK_INCIDENT_PRIORITY_STEPS: z.coerce.number().int().min(0).max(3).default(1),
    // What a campaign's members get: always a flag; `cancel` (the default) also cancels their first-reply
    // SLA (a coordinated wave is not a hundred questions to answer), `keep` leaves it open.
    OTKLIK_INCIDENT_CAMPAIGN_SLA: z.enum(['cancel', 'keep']).default('cancel'),
    // The headless Chromium that prints the analytics report to PDF (Debian's package by default).
    OTKLIK_CHROMIUM: z.string().min(1).default('/usr/bin/chromium'),
    // Path of the YAML configuration file (the keys below); unset: every key at its default.
    OTKLIK_CONFIG: z.string().optional(),
    // Log level (pino); logs are JSON lines on stdout.
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Port of /metrics, /healthz and /readyz (0: any free port).
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
    // Address /metrics, /healthz and /readyz listen on (0.0.0.0 in a container or pod).
    HTTP_HOST: z.string().default('127.0.0.1'),
    // Registry mode (docs/contracts.md): unset, the carried catalogue's ids are used.
    SCHEMA_REGISTRY_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .refine(
        (u) => !/^[a-z]+:\/\/[^/]*@/i.test(u),
        'must not carry credentials: use SCHEMA_REGISTRY_BASIC_AUTH',
      )
      .optional(),
    // How subjects are named in the registry: by topic or by record name.
    SCHEMA_REGISTRY_SUBJECT_STRATEGY: z
      .enum(['topic', 'record'], {
        error: 'must be topic (TopicNameStrategy) or record (RecordNameStrategy)',
      })
      .default('topic'),
    // Compatibility level set on the subjects Otklik registers.
    SCHEMA_REGISTRY_COMPATIBILITY: z
      .enum([
        'BACKWARD',
        'BACKWARD_TRANSITIVE',
        'FORWARD',
        'FORWARD_TRANSITIVE',
        'FULL',
        'FULL_TRANSITIVE',
        'NONE',
      ])
      .default('BACKWARD'),
    // user:password. Never logged, never put in the URL.
    SCHEMA_REGISTRY_BASIC_AUTH: z
      .string()
      .regex(/^[^:]+:.+$/, 'must be user:password')
      .optional(),
    // Bearer token for the registry (instead of basic auth). Never logged.
    SCHEMA_REGISTRY_BEARER_TOKEN: z.string().min(1).optional(),
    // PEM file of the CA that signed the registry's certificate.
    SCHEMA_REGISTRY_CA_FILE: z.string().min(1).optional(),
    // Client certificate (PEM) for a registry that asks for one.
    SCHEMA_REGISTRY_CERT_FILE: z.string().min(1).optional(),
    // The client certificate's private key (PEM).
    SCHEMA_REGISTRY_KEY_FILE: z.string().min(1).optional(),
    // Refuse a registry whose certificate does not verify.
    SCHEMA_REGISTRY_TLS_REJECT_UNAUTHORIZED: flag(true),
    // One request's timeout; a registry that does not answer is retried with fetching paused.
    SCHEMA_REGISTRY_TIMEOUT_MS: positiveInt(5_000),
  })
  .superRefine((env, ctx) => {
    if (env.REDIS_CLUSTER_NODES && env.REDIS_SENTINELS) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_CLUSTER_NODES'],
        message: 'set REDIS_CLUSTER_NODES (a Redis Cluster) or REDIS_SENTINELS (one master), not both',
      });
    }
    if (env.REDIS_CLUSTER_NODES && /^rediss?:\/\/[^/]*\/([1-9]\d*)\/?$/.test(env.REDIS_URL)) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_URL'],
        message: 'a Redis Cluster has database 0 only: drop the database number from REDIS_URL',
      });
    }
    if (env.SCHEMA_REGISTRY_BASIC_AUTH && env.SCHEMA_REGISTRY_BEARER_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['SCHEMA_REGISTRY_BEARER_TOKEN'],
        message: 'set SCHEMA_REGISTRY_BASIC_AUTH or SCHEMA_REGISTRY_BEARER_TOKEN, not both',
      });
    }
    if (Boolean(env.SCHEMA_REGISTRY_CERT_FILE) !== Boolean(env.SCHEMA_REGISTRY_KEY_FILE)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SCHEMA_REGISTRY_KEY_FILE'],
        message: 'a client certificate needs both SCHEMA_REGISTRY_CERT_FILE and SCHEMA_REGISTRY_KEY_FILE',
      });
    }
    if (env.KAFKA_SASL_MECHANISM && !(env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAFKA_SASL_USERNAME'],
        message: 'KAFKA_SASL_MECHANISM is set: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required',
      });
    }
  });

export type EnvConfig = z.infer<typeof envSchema>;
