import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerBuildInfo } from '../../runtime/observability/build-info.js';

const READ_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The ops board's own Prometheus metrics, on a registry of its own: whether operators are looking,
 * how long the board's Redis reads take (the board must stay responsive with 100,000 open comments),
 * and whether its two sources answer. Names are a contract with the Grafana dashboard.
 */
export function createOpsMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'otklik_ops_process_' });
  registerBuildInfo(registry);
  const registers = [registry];
  let boardClients = () => 0;
  return {
    registry,
    /** Where the gauge of live board viewers reads its value (the hub, once it exists). */
    countBoardClientsWith(read: () => number): void {
      boardClients = read;
    },
    boardClients: new Gauge({
      name: 'otklik_ops_board_clients',
      help: 'Browsers following the board live (server-sent events)',
      registers,
      collect() {
        this.set(boardClients());
      },
    }),
    readDuration: new Histogram({
      name: 'otklik_ops_read_duration_seconds',
      help: "Time of one of the board's Redis reads, by what it reads",
      labelNames: ['read'],
      buckets: READ_BUCKETS,
      registers,
    }),
    readFailures: new Counter({
      name: 'otklik_ops_read_failures_total',
      help: 'Board reads that failed, by what they read',
      labelNames: ['read'],
      registers,
    }),
    requestsRejected: new Counter({
      name: 'otklik_ops_requests_rejected_total',
      help: 'Requests the board refused before reading anything, by reason (host, unauthorised, bad_filter)',
      labelNames: ['reason'],
      registers,
    }),
    boardClientsRejected: new Counter({
      name: 'otklik_ops_board_clients_rejected_total',
      help: 'Live boards refused with 503 because too many were open, by cap (total, per_address)',
      labelNames: ['cap'],
      registers,
    }),
    boardClientsDropped: new Counter({
      name: 'otklik_ops_board_clients_dropped_total',
      help: 'Live boards closed because their reader fell behind, by reason (buffer, drain_timeout)',
      labelNames: ['reason'],
      registers,
    }),
    alertsReceived: new Counter({
      name: 'otklik_ops_alerts_received_total',
      help: 'Distinct alerts the board took from the alert topic',
      registers,
    }),
  };
}

export type OpsMetrics = ReturnType<typeof createOpsMetrics>;

/** What the board reads from Redis, as the `read` label. */
export type BoardRead = 'scan' | 'open' | 'today';

/** Times a read into the histogram and counts it as failed if it rejects; the promise is returned as is. */
export function timedRead<T>(
  metrics: OpsMetrics | undefined,
  read: BoardRead,
  value: Promise<T>,
): Promise<T> {
  if (!metrics) return value;
  const stop = metrics.readDuration.startTimer({ read });
  value.then(
    () => stop(),
    () => {
      stop();
      metrics.readFailures.inc({ read });
    },
  );
  return value;
}
