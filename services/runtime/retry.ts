/** Retries an idempotent operation while its error says a retry can help, with capped exponential backoff. */
export async function retryWhileRetriable<T>(
  operation: () => Promise<T>,
  options: {
    isRetriable: (error: unknown) => boolean;
    onRetry: (error: unknown, attempt: number, delayMs: number) => Promise<void> | void;
    shouldStop: () => boolean;
    initialDelayMs?: number;
    maxDelayMs?: number;
  },
): Promise<T> {
  const initial = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!options.isRetriable(error) || options.shouldStop()) throw error;
      const delay = Math.min(max, initial * 2 ** Math.min(attempt - 1, 16));
      await options.onRetry(error, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
