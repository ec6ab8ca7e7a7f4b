import { describe, expect, it } from 'vitest';
import {
  ContractError,
  createOperatorActionDecoder,
  decodeOperatorAction,
  encodeCommentEvent,
  encodeOperatorAction,
  OPERATOR_ACTION_KIND_SYMBOLS,
  type DeadLetterCode,
  type IncomingHeaders,
  type OperatorAction,
  type OperatorActionKind,
} from '../../../../services/core/contracts/index.js';
import { commentEvent, NOW } from './fixtures.js';

const decode = createOperatorActionDecoder();
const JSON_HEADERS = { 'content-type': 'application/json' };
const DAY = 24 * 60 * 60 * 1000;

/** A valid action of each kind, with the field that kind requires. */
function action(
  kind: OperatorActionKind = 'INTERIM_REPLY',
  extra: Partial<OperatorAction> = {},
): OperatorAction {
  return {
    action_id: `act-${kind}`,
    comment_key: 'VK:c-1',
    kind,
    operator_id: 'op-7',
    acted_at: NOW - 60_000,
    note: null,
    assignment: kind === 'ASSIGNED' ? { agency: 'housing-dept', executor: null } : null,
    pause_reason: kind === 'PAUSED' ? 'WAITING_FOR_CITIZEN' : null,
    correction:
      kind === 'RECLASSIFIED' ? { category: null, type: null, priority: 'critical', actionable: null } : null,
    ...extra,
  };
}

function failure(value: Buffer | null, headers: IncomingHeaders = {}): ContractError {
  try {
    decode(value, headers, NOW);
  } catch (err) {
    if (err instanceof ContractError) return err;
    throw err;
  }
  throw new Error('the gate accepted it');
}

function codeOf(a: OperatorAction): [DeadLetterCode, string | undefined] {
  const err = failure(Buffer.from(JSON.stringify(a)), JSON_HEADERS);
  return [err.code, err.field];
}

describe('OperatorAction contract', () => {
  it.each(OPERATOR_ACTION_KIND_SYMBOLS)(
    '%s round-trips through Avro and JSON and passes the gate',
    (kind) => {
      const a = action(kind, { note: 'позвонили жителю' });
      const avro = encodeOperatorAction(a);
      expect(decodeOperatorAction(avro)).toEqual(a);
      expect(decode(avro, {}, NOW)).toEqual(a);
      expect(decode(Buffer.from(JSON.stringify(a)), JSON_HEADERS, NOW)).toEqual(a);
    },
  );

  it('carries the eight kinds of issue #16 and the two pause reasons', () => {
    expect([...OPERATOR_ACTION_KIND_SYMBOLS]).toEqual([
      'ASSIGNED',
      'INTERIM_REPLY',
      'PAUSED',
      'RESUMED',
      'RESOLVED',
      'REOPENED',
      'RECLASSIFIED',
      'NOT_ACTIONABLE',
    ]);
    const paused = action('PAUSED', { pause_reason: 'WAITING_FOR_AGENCY' });
    expect(decode(encodeOperatorAction(paused), {}, NOW).pause_reason).toBe('WAITING_FOR_AGENCY');
  });

  it('refuses a kind without the field it requires', () => {
    expect(codeOf(action('ASSIGNED', { assignment: null }))).toEqual(['MISSING_FIELD', 'assignment']);
    expect(codeOf(action('PAUSED', { pause_reason: null }))).toEqual(['MISSING_FIELD', 'pause_reason']);
    expect(codeOf(action('RECLASSIFIED', { correction: null }))).toEqual(['MISSING_FIELD', 'correction']);
    const nothing = { category: null, type: null, priority: null, actionable: null };
    expect(codeOf(action('RECLASSIFIED', { correction: nothing }))).toEqual(['MISSING_FIELD', 'correction']);
  });

  it('refuses a field that belongs to another kind', () => {
    expect(codeOf(action('RESOLVED', { pause_reason: 'WAITING_FOR_CITIZEN' }))).toEqual([
      'INVALID_FIELD',
      'pause_reason',
    ]);
    expect(codeOf(action('PAUSED', { assignment: { agency: 'x', executor: null } }))).toEqual([
      'INVALID_FIELD',
      'assignment',
    ]);
    const correction = { category: 'roads_transport' as const, type: null, priority: null, actionable: null };
    expect(codeOf(action('NOT_ACTIONABLE', { correction }))).toEqual(['INVALID_FIELD', 'correction']);
  });

  it('refuses empty, malformed, oversized and control-character identifiers', () => {
    expect(codeOf(action('RESOLVED', { action_id: ' ' }))).toEqual(['INVALID_FIELD', 'action_id']);
    expect(codeOf(action('RESOLVED', { operator_id: '' }))).toEqual(['INVALID_FIELD', 'operator_id']);
    expect(codeOf(action('RESOLVED', { comment_key: 'c-1' }))).toEqual(['INVALID_FIELD', 'comment_key']);
    expect(codeOf(action('RESOLVED', { comment_key: 'FACEBOOK:c-1' }))).toEqual([
      'INVALID_FIELD',
      'comment_key',
    ]);
    expect(codeOf(action('RESOLVED', { comment_key: 'VK:' }))).toEqual(['INVALID_FIELD', 'comment_key']);
    expect(codeOf(action('RESOLVED', { operator_id: 'op\n7' }))).toEqual(['INVALID_FIELD', 'operator_id']);
    expect(codeOf(action('RESOLVED', { action_id: 'a'.repeat(513) }))).toEqual([
      'FIELD_TOO_LONG',
      'action_id',
    ]);
    expect(codeOf(action('ASSIGNED', { assignment: { agency: ' ', executor: null } }))).toEqual([
      'INVALID_FIELD',
      'assignment.agency',
    ]);
    expect(codeOf(action('RESOLVED', { note: 'я'.repeat(2049) }))).toEqual(['FIELD_TOO_LONG', 'note']);
  });

  it('refuses an acted_at outside the plausible window (seconds or microseconds for milliseconds)', () => {
    expect(codeOf(action('RESOLVED', { acted_at: Math.floor(NOW / 1000) }))).toEqual([
      'IMPLAUSIBLE_TIME',
      'acted_at',
    ]);
    expect(codeOf(action('RESOLVED', { acted_at: NOW + DAY }))).toEqual(['IMPLAUSIBLE_TIME', 'acted_at']);
    expect(() =>
      decode(encodeOperatorAction(action('RESOLVED', { acted_at: NOW - 300 * DAY })), {}, NOW),
    ).not.toThrow();
  });

  it('refuses what the schema refuses, with the codes of the comment gate', () => {
    expect(failure(null).code).toBe('EMPTY_VALUE');
    expect(failure(Buffer.alloc(0)).code).toBe('EMPTY_VALUE');
    expect(failure(Buffer.from('{"kind":'), JSON_HEADERS).code).toBe('INVALID_JSON');
    const { operator_id: _dropped, ...noOperator } = action('RESOLVED');
    expect(failure(Buffer.from(JSON.stringify(noOperator)), JSON_HEADERS).code).toBe('MISSING_FIELD');
    expect(failure(Buffer.from(JSON.stringify({ ...action(), kind: 'CLOSED' })), JSON_HEADERS).code).toBe(
      'UNKNOWN_ENUM',
    );
    // A comment on the actions topic is another subject.
    expect(failure(encodeCommentEvent(commentEvent())).code).toBe('INCOMPATIBLE_SCHEMA');
    expect(failure(encodeOperatorAction(action()).subarray(0, 12)).code).toBe('TRUNCATED_AVRO');
  });
});
