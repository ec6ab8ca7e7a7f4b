import type { Cluster, Redis } from 'ioredis';
import { shardOf } from '../../../core/sla/shard.js';
import { SlaKeys } from '../keys.js';
import { decodeRecordTail, storedRecordTail } from '../record/record.js';
import { campaignFlagKey } from './campaign-flag.js';

export interface MemberState {
  key: string;
  /** Its first-reply SLA record is still open (it waits for an answer). */
  open: boolean;
  /** The comment's address, from its open record (null once the record is gone, or never had one). */
  url: string | null;
  /** The campaign it was flagged a member of, or null. */
  campaign: string | null;
}

/**
 * What the board shows of an incident's members: whether each waits for a reply, its link, and its
 * campaign flag; one HGET and one GET each, pipelined.
 */
export async function memberStates(
  redis: Redis | Cluster,
  sla: { prefix: string; shards: number },
  members: readonly string[],
): Promise<MemberState[]> {
  if (members.length === 0) return [];
  const keys = new SlaKeys(sla.prefix);
  // One pipeline per shard: on a Redis Cluster a pipeline may not span slots (unanswered.ts says more).
  const byShard = new Map<number, number[]>();
  members.forEach((key, i) => {
    const shard = shardOf(key, sla.shards);
    byShard.set(shard, [...(byShard.get(shard) ?? []), i]);
  });
  const out = new Array<MemberState>(members.length);
  await Promise.all(
    [...byShard].map(async ([shard, indexes]) => {
      const pipeline = redis.pipeline();
      for (const i of indexes) {
        const key = members[i] as string;
        pipeline.hgetBuffer(keys.record(shard, key), key);
        pipeline.get(campaignFlagKey(keys, shard, key));
      }
      const replies = (await pipeline.exec()) ?? [];
      indexes.forEach((i, j) => {
        const key = members[i] as string;
        const [recordError, record] = replies[2 * j] ?? [null, null];
        const [flagError, flag] = replies[2 * j + 1] ?? [null, null];
        if (recordError) throw recordError;
        if (flagError) throw flagError;
        const stored = record as Buffer | null;
        const url = stored
          ? decodeRecordTail(storedRecordTail(stored), key.slice(key.indexOf(':') + 1)).url
          : null;
        out[i] = { key, open: stored !== null, url, campaign: (flag as string | null) ?? null };
      });
    }),
  );
  return out;
}
