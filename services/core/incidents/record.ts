/**
 * A detector input as the incident service stores it in its shard's log (docs/incidents.md#the-service):
 * a JSON array in a fixed field order, about half the size of the object's JSON.
 */
import { fnv1a } from './hash.js';
import type { DetectorComment } from './types.js';

type Row = [
  string,
  string,
  DetectorComment['op'],
  string,
  string,
  string,
  string,
  string,
  string | null,
  string,
  number,
  string,
  string,
  0 | 1,
];

export function encodeRecord(c: DetectorComment): string {
  const row: Row = [
    c.key,
    c.commentId,
    c.op,
    c.authorId,
    c.authorKind,
    c.pageId,
    c.threadId,
    c.region,
    c.municipality,
    c.text,
    c.postedAt,
    c.category,
    c.type,
    c.spam ? 1 : 0,
  ];
  return JSON.stringify(row);
}

export function decodeRecord(text: string): DetectorComment {
  const r = JSON.parse(text) as Row;
  return {
    key: r[0],
    commentId: r[1],
    op: r[2],
    authorId: r[3],
    authorKind: r[4],
    pageId: r[5],
    threadId: r[6],
    region: r[7],
    municipality: r[8],
    text: r[9],
    postedAt: r[10],
    category: r[11],
    type: r[12],
    spam: r[13] === 1,
  };
}

/**
 * The detector shard of a region: an incident is one region's (a campaign across regions is found by
 * the shard of its regions that sees enough of it), so a region's comments all meet one detector.
 */
export function detectorShardOf(region: string, shards: number): number {
  return fnv1a(region) % shards;
}
