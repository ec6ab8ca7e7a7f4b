/** A failed SLA operation. `retriable` says whether trying the same idempotent call again can help. */
export class SlaStoreError extends Error {
  constructor(
    readonly code: 'REDIS_UNAVAILABLE' | 'SCRIPT_FAILED' | 'UNEXPECTED_REPLY',
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SlaStoreError';
  }
}

/** Script errors come back as "ERR user_script..." replies; anything else is the connection failing. */
export function toSlaStoreError(error: unknown, operation: string): SlaStoreError {
  if (error instanceof SlaStoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/user_script|ERR Error running script|@user_script/.test(message)) {
    return new SlaStoreError('SCRIPT_FAILED', `${operation}: Lua script failed: ${message}`, false, {
      cause: error,
    });
  }
  return new SlaStoreError('REDIS_UNAVAILABLE', `${operation}: Redis unavailable: ${message}`, true, {
    cause: error,
  });
}
