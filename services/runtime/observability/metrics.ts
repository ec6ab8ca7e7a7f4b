import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every Prometheus metric Otklik exports, on a registry of its own (one per app, so several apps in
 * one test process do not collide). Names are a contract with the Grafana dashboard.
 */
export function createMetrics(
  options: {
    defaultMetrics?: boolean;
    readOpenSlas?: () => Promise<number>;
    /**
     * Every reason the worker may give for not being ready, and those that hold now (read at scrape
     * time: "paused too long" becomes true with no event to set it).
     */
    workerReadiness?: { reasons: readonly string[]; current: () => readonly string[] };
  } = {},
) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'otklik_process_' });
  const registers = [registry];
  return {
    registry,
    messagesIn: new Counter({
      name: 'otklik_messages_in_total',
      help: 'Comment events read from the input topic',
      labelNames: ['topic'],
      registers,
    }),
    classified: new Counter({
      name: 'otklik_messages_classified_total',
      help: 'Comments classified, by category',
      labelNames: ['category'],
      registers,
    }),
    deadLettered: new Counter({
      name: 'otklik_messages_dead_lettered_total',
      help: 'Messages sent to the dead-letter topic, by error code',
      labelNames: ['code'],
      registers,
    }),
    slaTransitions: new Counter({
      name: 'otklik_sla_transitions_total',
      help: 'SLA scripts applied in Redis, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    batchDuration: new Histogram({
      name: 'otklik_batch_duration_seconds',
      help: 'Time to confirm one group of chunks: Redis, produce, offset commit',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    redisLatency: new Histogram({
      name: 'otklik_redis_latency_seconds',
      help: 'Latency of one Redis pipeline, by operation',
      labelNames: ['operation'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    produceLatency: new Histogram({
      name: 'otklik_produce_latency_seconds',
      help: 'Latency of one acknowledged produce call, by role',
      labelNames: ['role'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    retries: new Counter({
      name: 'otklik_retries_total',
      help: 'Retries after a failed Redis, Kafka or Schema Registry call, by target',
      labelNames: ['target'],
      registers,
    }),
    paused: new Gauge({
      name: 'otklik_consumer_paused',
      help: '1 while the worker has paused fetching because Redis or Kafka is failing',
      registers,
    }),
    workerNotReady: new Gauge({
      name: 'otklik_worker_not_ready',
      help: '1 for each reason the worker is not ready (/readyz fails): not_joined, consumer_crashed, paused_too_long, stopping',
      labelNames: ['reason'],
      registers,
      collect() {
        const readiness = options.workerReadiness;
        if (!readiness) return;
        const current = new Set(readiness.current());
        for (const reason of readiness.reasons) this.set({ reason }, current.has(reason) ? 1 : 0);
      },
    }),
    stateLost: new Gauge({
      name: 'otklik_state_lost',
      help: '1 once the SLA state in Redis lost its generation while this process ran (the roles stopped)',
      registers,
    }),
    consumerLag: new Gauge({
      name: 'otklik_consumer_lag',
      help: 'Messages behind the high watermark, per partition, as of the last batch',
      labelNames: ['topic', 'partition'],
      registers,
    }),
    alertsPublished: new Counter({
      name: 'otklik_alerts_published_total',
      help: 'SLA alerts published, by kind',
      labelNames: ['kind'],
      registers,
    }),
    openSlas: new Gauge({
      name: 'otklik_sla_open',
      help: 'Open first-reply SLAs (read from Redis at scrape time)',
      registers,
      // A failed read keeps the last value: with Redis down, /metrics must still answer (it is where
      // otklik_worker_not_ready says why the worker is not ready).
      async collect() {
        if (!options.readOpenSlas) return;
        try {
          this.set(await options.readOpenSlas());
        } catch {
          // the last value stands; Redis failing shows in otklik_worker_not_ready and the retry counters
        }
      },
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
