/** A failed SLA operation. `retriable` says whether trying the same idempotent call again can help. */
export class SlaStoreError extends Error {
  constructor(
    readonly code:
      | 'REDIS_UNAVAILABLE'
      | 'NOT_REPLICATED'
      | 'SCRIPT_FAILED'
      | 'UNEXPECTED_REPLY'
      /** An appeal's read-decide-write kept losing to other writers (retriable). */
      | 'APPEAL_CONFLICT',
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SlaStoreError';
  }
}

/**
 * Redis error replies that say "not now" rather than "never": loading a dataset, busy with a script,
 * a cluster resharding or failing over, a replica's read-only mode (and its refusal of WAIT: a cluster
 * master that came back as a replica before the client relearnt the slots), out of memory, persistence failing,
 * and credentials or permissions that an operator must fix. Retrying (with the partition paused and
 * /readyz failing after a while) is right for these; dead-lettering message after message is not.
 */
const TRANSIENT_REPLY =
  /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|OOM|MISCONF|NOREPLICAS|NOAUTH|NOPERM|WRONGPASS|MOVED|ASK)\b|OOM command not allowed|^ERR WAIT cannot be used with replica/;

/**
 * Connection failures (no reply at all: refused, closed, timed out) and the transient replies above
 * are retriable; any other error reply (a script error, WRONGTYPE, ERR ...) is not: the same call fails
 * the same way, and the worker pins it on the message responsible.
 */
export function toSlaStoreError(error: unknown, operation: string): SlaStoreError {
  if (error instanceof SlaStoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const isReply = error instanceof Error && error.name === 'ReplyError';
  if (/user_script|ERR Error running script|@user_script/.test(message) || isReply) {
    if (TRANSIENT_REPLY.test(message)) {
      return new SlaStoreError('REDIS_UNAVAILABLE', `${operation}: Redis refused for now: ${message}`, true, {
        cause: error,
      });
    }
    return new SlaStoreError('SCRIPT_FAILED', `${operation}: Redis refused: ${message}`, false, {
      cause: error,
    });
  }
  return new SlaStoreError('REDIS_UNAVAILABLE', `${operation}: Redis unavailable: ${message}`, true, {
    cause: error,
  });
}
