import type { AnalyticsChunk } from './rows.js';

/**
 * The part of a chunk the store does not hold yet, given the next offset it stored for the chunk's
 * partition (undefined: none stored): nothing when the chunk ends at or before it, the events from it
 * on when the chunk straddles it. A replay happens when the group's committed offset is behind the
 * store's (a commit lost to a kill, the seek to the stored offsets arriving after a first fetch); the
 * events table has no key, so this is what keeps every event in it once. Alerts, decisions and rejected
 * records are keyed and written over themselves, so a straddling chunk keeps them all.
 */
export function unseenPart(
  chunk: AnalyticsChunk,
  storedNext: string | undefined,
): AnalyticsChunk | undefined {
  if (storedNext === undefined) return chunk;
  const stored = BigInt(storedNext);
  if (BigInt(chunk.next.offset) <= stored) return undefined;
  const first = chunk.events[0];
  if (first === undefined || BigInt(first.offset) >= stored) return chunk;
  return { ...chunk, events: chunk.events.filter((row) => BigInt(row.offset) >= stored) };
}
