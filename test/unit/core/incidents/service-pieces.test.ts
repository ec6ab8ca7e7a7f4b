/** What the incident service adds around the detector: its log record, event numbering, title, severity. */
import { describe, expect, it } from 'vitest';
import { IncidentBook } from '../../../../services/core/incidents/book.js';
import { decodeRecord, detectorShardOf, encodeRecord } from '../../../../services/core/incidents/record.js';
import { severityOf, titleOf } from '../../../../services/core/incidents/presentation.js';
import type { DetectorComment, DetectorEvent } from '../../../../services/core/incidents/types.js';

const comment: DetectorComment = {
  key: 'VK:1',
  commentId: '1',
  op: 'POSTED',
  authorId: 'a',
  authorKind: 'CITIZEN',
  pageId: 'p',
  threadId: 't',
  region: '54',
  municipality: null,
  text: 'Нет воды, "кавычки" и \\ слэш',
  postedAt: 1_700_000_000_000,
  category: 'housing_utilities',
  type: 'complaint',
  spam: false,
};

function event(kind: DetectorEvent['kind'], at: number, ids: string[], size: number): DetectorEvent {
  return {
    incident_id: 'inc-1',
    kind,
    type: 'incident',
    at,
    region: '54',
    municipality: 'Бердск',
    category: 'housing_utilities',
    comment_ids: ids,
    detail: {
      size,
      authors: size,
      pages: 1,
      municipalities: ['Бердск'],
      firstAt: 1,
      lastAt: at,
      words: ['воды'],
    },
  };
}

describe('incident service pieces', () => {
  it('stores a detector input and reads back the same', () => {
    expect(decodeRecord(encodeRecord(comment))).toEqual(comment);
    expect(decodeRecord(encodeRecord({ ...comment, municipality: 'Бердск', spam: true }))).toMatchObject({
      municipality: 'Бердск',
      spam: true,
    });
  });

  it('puts a region on one shard, and regions on several', () => {
    expect(detectorShardOf('54', 4)).toBe(detectorShardOf('54', 4));
    const shards = new Set(
      ['22', '24', '38', '42', '54', '55', '70', '75'].map((r) => detectorShardOf(r, 4)),
    );
    expect(shards.size).toBeGreaterThan(1);
  });

  it("numbers an incident's events from its OPENED and forgets it once closed", () => {
    const book = new IncidentBook();
    const opened = book.take(event('OPENED', 10, ['VK:1', 'VK:2'], 2));
    expect(opened.event).toMatchObject({ sequence: 0, kind: 'OPENED', member_keys: ['VK:1', 'VK:2'] });
    expect(opened.open).toMatchObject({ opened_at: 10, updated_at: 10, size: 2, title: 'ЖКХ: воды' });
    const updated = book.take(event('UPDATED', 20, ['VK:3'], 3));
    expect(updated.event.sequence).toBe(1);
    expect(updated.open).toMatchObject({ opened_at: 10, updated_at: 20, sequence: 1 });
    const later = book.take(event('UPDATED', 20 + 2 * 600_000, ['VK:4', 'VK:5'], 5));
    expect(later.open?.spark.slice(-3)).toEqual([3, 0, 2]);
    expect(later.open?.spark).toHaveLength(12);
    const closed = book.take(event('CLOSED', 30 + 2 * 600_000, [], 3));
    expect(closed).toMatchObject({ event: { sequence: 3, kind: 'CLOSED' }, open: null });
    expect(book.size).toBe(0);
  });

  it('titles by category and common words, and grades severity by authors, category and spread', () => {
    expect(titleOf('incident', 'roads_transport', { words: ['автобус', '№32'] })).toBe(
      'Дороги и транспорт: автобус, №32',
    );
    expect(titleOf('campaign', 'other', { words: [] })).toBe('Кампания');
    expect(titleOf('incident', 'ecology', { words: Array(40).fill('слово') }).length).toBe(80);
    expect(severityOf('incident', 'culture_sport', { authors: 4, pages: 1 })).toBe('low');
    expect(severityOf('incident', 'housing_utilities', { authors: 4, pages: 1 })).toBe('medium');
    expect(severityOf('incident', 'culture_sport', { authors: 30, pages: 3 })).toBe('critical');
    expect(severityOf('campaign', 'other', { authors: 100, pages: 9 })).toBe('critical');
    expect(severityOf('campaign', 'housing_utilities', { authors: 20, pages: 9 })).toBe('medium');
  });
});
