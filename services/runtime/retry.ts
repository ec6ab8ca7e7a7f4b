import { retry, type RetryOptions } from '../core/retry/backoff.js';
import { isRetriable } from './errors.js';

export { backoffDelay, retry, type BackoffPolicy, type RetryOptions } from '../core/retry/backoff.js';

/** The roles' retry: the one policy, with the one classification of what is worth retrying. */
export function retryWhileRetriable<T>(
  operation: () => Promise<T>,
  options: Omit<RetryOptions, 'isRetriable'> & { isRetriable?: RetryOptions['isRetriable'] },
): Promise<T> {
  return retry(operation, { isRetriable, ...options });
}
