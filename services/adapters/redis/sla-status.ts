import type { SlaOutcome } from '../../core/sla/commands.js';

const OUTCOMES = new Set<SlaOutcome>([
  'OPENED',
  'ANSWERED_BEFORE',
  'DELETED_BEFORE',
  'ANSWERED',
  'ANSWERED_EARLY',
  'CANCELLED',
  'DELETED_EARLY',
  'RECORDED',
  'DUPLICATE',
]);

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

/** The one place that turns a script's reply into a typed outcome. */
export function toOutcome(reply: unknown, operation: string): SlaOutcome {
  const status = Array.isArray(reply) ? reply[0] : undefined;
  if (typeof status === 'string' && OUTCOMES.has(status as SlaOutcome)) return status as SlaOutcome;
  throw new SlaStoreError(
    'UNEXPECTED_REPLY',
    `${operation}: unexpected reply ${JSON.stringify(reply)}`,
    false,
  );
}
