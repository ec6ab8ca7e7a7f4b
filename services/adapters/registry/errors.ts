/**
 * Failures of the Schema Registry, classified once. Only "the registry has no such id" is a message's
 * fault; anything else (no answer, a timeout, a 5xx, refused credentials) is the registry's or the
 * configuration's, so it is retried with fetching paused, never dead-lettered.
 */

/** The registry cannot answer now: runtime/errors.ts isRetriable says yes to it. */
export class RegistryUnavailableError extends Error {
  readonly retriable = true;
  override readonly name = 'RegistryUnavailableError';
}

/** What the client library rejects with: an HTTP status (400 also for a failed connection). */
interface LibraryError {
  status?: unknown;
  message?: unknown;
}

export function httpStatusOf(error: unknown): number | undefined {
  const status = (error as LibraryError | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The library's message minus its client-name prefix. Its messages carry the registry's reply or the
 * socket error, never the request's credentials (mappersmith masks them).
 */
export function registryReason(error: unknown): string {
  const message = (error as LibraryError | undefined)?.message;
  return typeof message === 'string' ? message.replace(/^Confluent_Schema_Registry - /, '') : String(error);
}

export function unavailable(what: string, error: unknown): RegistryUnavailableError {
  return new RegistryUnavailableError(`Schema Registry ${what}: ${registryReason(error)}`, { cause: error });
}
