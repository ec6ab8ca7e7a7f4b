/**
 * The one retry policy: capped exponential backoff around an idempotent operation. Pure (it knows no
 * Kafka, no Redis, no clock but the one passed in), so that the adapters (the producer's whole re-send)
 * and the runtime (the consumer loop, the punctuator driver) use the same code without an upward import.
 * What is worth retrying is the caller's decision: runtime/errors.ts `isRetriable` for the roles,
 * adapters/kafka/errors.ts for the producer.
 */
export interface BackoffPolicy {
  /** Delay before the second attempt. */
  initialDelayMs: number;
  /** The delay doubles after every failure up to this. */
  maxDelayMs: number;
}

/** The delay after the `attempt`-th failure (1-based): initial · 2^(attempt-1), capped. */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
}

export interface RetryOptions extends Partial<BackoffPolicy> {
  /** Whether trying the same call again can help. */
  isRetriable: (error: unknown) => boolean;
  /** Checked after each failure: true throws the error instead of retrying. */
  shouldStop?: () => boolean;
  /** Give up (throw the last error) once the next attempt would start later than this after the first. */
  giveUpAfterMs?: number;
  /** Told before each wait (a log line, a metric, a heartbeat, pausing a consumer). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => Promise<void> | void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 5_000 };

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `operation` until it succeeds, or fails in a way not worth retrying, or the caller gives up. */
export async function retry<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const policy = {
    initialDelayMs: options.initialDelayMs ?? DEFAULT_BACKOFF.initialDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs,
  };
  const now = options.now ?? Date.now;
  const started = options.giveUpAfterMs === undefined ? 0 : now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!options.isRetriable(error) || options.shouldStop?.()) throw error;
      const delay = backoffDelay(policy, attempt);
      if (options.giveUpAfterMs !== undefined && now() - started + delay > options.giveUpAfterMs) throw error;
      await options.onRetry?.(error, attempt, delay);
      await (options.sleep ?? sleepFor)(delay);
    }
  }
}
