import { describe, expect, it } from 'vitest';
import {
  decodeSlaAlert,
  encodeSlaAlert,
  getDefaultCatalogue,
} from '../../../../services/core/contracts/index.js';
import { alertIdOf } from '../../../../services/core/sla/alert.js';
import { slaAlert } from './fixtures.js';

/** Magic byte and the 4-byte schema id, then the Avro body: the catalogue's wire format. */
function wire(id: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, body]);
}

describe('SlaAlert v2: which target (issue #16)', () => {
  it('reads an alert written with v1 as a first-reply alert', () => {
    const v1 = getDefaultCatalogue().byId(3)!;
    expect(v1).toMatchObject({ subject: 'otklik.SlaAlert', version: 1 });
    const { target: _omitted, ...old } = slaAlert({ kind: 'BREACH' });
    const decoded = decodeSlaAlert(wire(3, v1.type.toBuffer(old)));
    expect(decoded).toEqual({ ...old, target: 'FIRST_REPLY' });
  });

  it('writes v2 and round-trips every target', () => {
    for (const target of ['FIRST_REPLY', 'NEXT_REPLY', 'FINAL_ANSWER'] as const) {
      const message = encodeSlaAlert(slaAlert({ target }));
      expect(message.readUInt32BE(1)).toBe(7);
      expect(decodeSlaAlert(message).target).toBe(target);
    }
  });

  it('keeps the first reply alert ids of before, and gives other targets their own', () => {
    const first = alertIdOf('VK:1', 'BREACH', 0);
    expect(alertIdOf('VK:1', 'BREACH', 0, 'FIRST_REPLY')).toBe(first);
    // The id main computed before the target existed: alerts already fired keep deduplicating.
    expect(first).toBe('1cce7a72-e8e6-51a9-a782-7d3abff009c0');
    const final = alertIdOf('VK:1', 'BREACH', 0, 'FINAL_ANSWER');
    const next = alertIdOf('VK:1', 'BREACH', 0, 'NEXT_REPLY');
    expect(new Set([first, final, next]).size).toBe(3);
  });
});
