import { describe, expect, it } from 'vitest';
import {
  decodeClassifiedComment,
  decodeCommentEvent,
  decodeIncidentEvent,
  decodeSlaAlert,
  defaultCodecs,
  encodeClassifiedComment,
  encodeCommentEvent,
  encodeIncidentEvent,
  encodeSlaAlert,
  getDefaultCatalogue,
  SUBJECTS,
  ContractEncodeError,
  type SubjectCodec,
} from '../../../../services/core/contracts/index.js';
import { classifiedComment, commentEvent, incidentEvent, slaAlert } from './fixtures.js';

describe('round trip of every schema in the wire format', () => {
  const catalogue = getDefaultCatalogue();

  it('CommentEvent, with and without the optional fields', () => {
    for (const event of [
      commentEvent(),
      commentEvent({
        parent_comment_id: '99',
        municipality: null,
        url: null,
        op: 'DELETED',
        platform: 'MAX',
      }),
    ]) {
      const message = encodeCommentEvent(event);
      expect(message[0]).toBe(0);
      expect(message.readUInt32BE(1)).toBe(catalogue.latest(SUBJECTS.commentEvent).id);
      expect(decodeCommentEvent(message)).toEqual(event);
    }
  });

  it('ClassifiedComment, with an SLA and without one', () => {
    for (const classified of [classifiedComment(), classifiedComment({ sla: null })]) {
      const message = encodeClassifiedComment(classified);
      expect(message.readUInt32BE(1)).toBe(catalogue.latest(SUBJECTS.classifiedComment).id);
      expect(decodeClassifiedComment(message)).toEqual(classified);
    }
  });

  it('IncidentEvent: OPENED with members, a campaign UPDATED without a municipality, CLOSED without members', () => {
    for (const event of [
      incidentEvent(),
      incidentEvent({
        kind: 'UPDATED',
        type: 'campaign',
        sequence: 3,
        municipality: null,
        municipalities: [],
      }),
      incidentEvent({ kind: 'CLOSED', sequence: 9, member_keys: [], severity: 'low' }),
    ]) {
      const message = encodeIncidentEvent(event);
      expect(message[0]).toBe(0);
      expect(message.readUInt32BE(1)).toBe(catalogue.latest(SUBJECTS.incidentEvent).id);
      expect(decodeIncidentEvent(message)).toEqual(event);
    }
    expect(() => encodeIncidentEvent(incidentEvent({ kind: 'REOPENED' as 'OPENED' }))).toThrow(
      ContractEncodeError,
    );
  });

  it('SlaAlert, including a negative overdue_ms and a url', () => {
    for (const alert of [
      slaAlert(),
      slaAlert({ kind: 'ESCALATION', level: 2, overdue_ms: 3_600_000, url: 'u' }),
    ]) {
      const message = encodeSlaAlert(alert);
      expect(message.readUInt32BE(1)).toBe(catalogue.latest(SUBJECTS.slaAlert).id);
      expect(decodeSlaAlert(message)).toEqual(alert);
    }
  });

  it('timestamps stay plain numbers of milliseconds', () => {
    const decoded = decodeCommentEvent(encodeCommentEvent(commentEvent({ posted_at: 1_736_933_400_123 })));
    expect(decoded.posted_at).toBe(1_736_933_400_123);
    expect(typeof decoded.posted_at).toBe('number');
  });

  it('random values of every schema survive encode and decode', () => {
    const { commentEvent, classifiedComment, slaAlert } = defaultCodecs();
    const codecs = [commentEvent, classifiedComment, slaAlert] as SubjectCodec<unknown>[];
    for (const codec of codecs) {
      for (let i = 0; i < 200; i++) {
        const value: unknown = codec.current.type.random();
        expect(codec.decode(codec.encode(value))).toEqual(value);
      }
    }
  });

  it('refuses to encode a value that breaks the schema, naming the field, as a bug (not a dead letter)', () => {
    const bad = { ...commentEvent(), platform: 'MYSPACE' } as unknown as ReturnType<typeof commentEvent>;
    expect(() => encodeCommentEvent(bad)).toThrow(ContractEncodeError);
    expect(() => encodeCommentEvent(bad)).toThrow(/platform/);
  });
});
