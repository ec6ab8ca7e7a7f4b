/** Builds small analytics stores from hand-made comments, through the sink's own decoding (rowsOf). */
import { AnalyticsDb } from '../../../../services/adapters/duckdb/analytics-db.js';
import { rowsOf } from '../../../../services/core/analytics/rows.js';
import {
  encodeClassifiedComment,
  type ClassifiedComment,
} from '../../../../services/core/contracts/index.js';
import { classifiedComment, commentEvent } from '../../core/contracts/fixtures.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export interface Complaint {
  id: string;
  at: number;
  theme?: string | null;
  category?: ClassifiedComment['classification']['category'];
  type?: ClassifiedComment['classification']['type'];
  region?: string;
  municipality?: string | null;
  page?: string;
  spam?: boolean;
  toxic?: boolean;
}

/** A citizen's comment whose category evidence names `theme` (a lexicon phrase). */
export function complaint(c: Complaint): ClassifiedComment {
  const category = c.category ?? 'housing_utilities';
  const type = c.type ?? 'complaint';
  const base = classifiedComment();
  return classifiedComment({
    key: `VK:${c.id}`,
    comment: commentEvent({
      event_id: `${c.id}-POSTED`,
      comment_id: c.id,
      posted_at: c.at,
      page_id: c.page ?? 'page-a',
      region: c.region ?? '54',
      municipality: c.municipality === undefined ? 'Новосибирск' : c.municipality,
      url: `https://vk.example/${c.id}`,
    }),
    classification: {
      ...base.classification,
      category,
      type,
      spam: c.spam ?? false,
      toxic: c.toxic ?? false,
      actionable: type !== 'other' && type !== 'gratitude' && !(c.spam ?? false),
      evidence:
        c.theme === null
          ? []
          : [{ concern: 'category', feature: `${category}:${c.theme ?? 'отоплен'}`, weight: 2 }],
    },
    sla: { policy_id: 'p', warn_at: c.at + 90 * MIN, due_at: c.at + 120 * MIN },
    classified_at: c.at,
  });
}

/** An official's reply to comment `parent`, on `page`. */
export function officialReply(id: string, parent: string, at: number, page = 'page-a'): ClassifiedComment {
  return classifiedComment({
    key: `VK:${id}`,
    comment: commentEvent({
      event_id: `${id}-POSTED`,
      comment_id: id,
      parent_comment_id: parent,
      author: { id: page, kind: 'OFFICIAL' },
      posted_at: at,
      page_id: page,
    }),
    classification: { ...classifiedComment().classification, type: 'other', actionable: false },
    sla: null,
    classified_at: at,
  });
}

/** Opens a store at `path` (':memory:' by default) holding the comments. */
export async function storeOf(
  comments: readonly ClassifiedComment[],
  path = ':memory:',
): Promise<AnalyticsDb> {
  const db = await AnalyticsDb.open(path);
  if (comments.length === 0) return db;
  await db.write([
    rowsOf(
      comments.map((c, i) => ({ value: encodeClassifiedComment(c), offset: String(i) })),
      { topic: 'classified', partition: 0 },
      { classified: 'classified', alerts: 'alerts' },
    ),
  ]);
  return db;
}

export async function rowsJson(db: AnalyticsDb, sql: string): Promise<Record<string, unknown>[]> {
  return (await db.connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}
