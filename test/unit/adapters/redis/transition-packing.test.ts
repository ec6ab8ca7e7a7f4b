import { describe, expect, it } from 'vitest';
import {
  packTransitions,
  unpackOutcomes,
} from '../../../../services/adapters/redis/store/transition-packing.js';

describe('apply_batch wire form', () => {
  it('packs each transition as its op letter and length-prefixed fields', () => {
    const packed = packTransitions([
      { kind: 'cancel', commentKey: 'VK:1', shard: 0 },
      { kind: 'answer', commentKey: 'TELEGRAM:ё', shard: 0, answeredAt: 1_700_000_000_123 },
    ]);
    const fields: string[] = [];
    let at = 0;
    const ops: string[] = [];
    while (at < packed.length) {
      const op = String.fromCharCode(packed[at++] as number);
      ops.push(op);
      for (let f = 0; f < (op === 'c' ? 2 : 3); f++) {
        const length = packed.readUInt16BE(at);
        fields.push(packed.subarray(at + 2, at + 2 + length).toString('utf8'));
        at += 2 + length;
      }
    }
    expect(ops).toEqual(['c', 'a']);
    expect(fields[0]).toBe('VK:1');
    expect(fields[2]).toBe('TELEGRAM:ё');
    expect(fields[4]).toBe('1700000000123');
  });

  it('reads one outcome letter per transition and refuses anything else', () => {
    expect(unpackOutcomes('OBDAaCdR=', 9)).toEqual([
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
    expect(() => unpackOutcomes('OO', 3)).toThrow(/unexpected reply/);
    expect(() => unpackOutcomes('OX', 2)).toThrow(/unknown outcome/);
    expect(() => unpackOutcomes(['OPENED'], 1)).toThrow(/unexpected reply/);
  });
});
