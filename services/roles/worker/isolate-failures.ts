/**
 * Pins a group's failure on the items responsible. `attempt` sends a part of the items (to Redis or the
 * broker) and retries known transient failures itself; what it throws is either a failure for good,
 * which belongs to some item of the part, or (`isolates` false) one that concerns the whole group and is
 * passed on. The part is then tried again in halves, down to single items: those that still fail are
 * the culprits, everything else is applied. Every attempt must be idempotent (Redis transitions are;
 * outputs are read idempotently), since the items of a failed part that went through are sent again.
 * One bad item among n costs about 2·log2(n) extra calls; the path without failure is one call.
 */
export interface Isolated<R> {
  /** Per item, what the attempt that applied it returned; undefined for the failed ones. */
  results: (R | undefined)[];
  /** The items that failed on their own, in order, with their error. */
  failed: { index: number; error: unknown }[];
}

export async function isolateFailures<T, R>(
  items: readonly T[],
  attempt: (part: readonly T[]) => Promise<readonly R[] | void>,
  options: {
    /** False for an error no single item can be blamed for: it is thrown as is. */
    isolates: (error: unknown) => boolean;
    /** Told when a failed part is split (for a log line). */
    onSplit?: (error: unknown, size: number) => void;
  },
): Promise<Isolated<R>> {
  const results: (R | undefined)[] = new Array(items.length);
  const failed: { index: number; error: unknown }[] = [];
  const run = async (from: number, to: number): Promise<void> => {
    if (from >= to) return;
    try {
      const part = from === 0 && to === items.length ? items : items.slice(from, to);
      const replies = await attempt(part);
      if (replies) for (let i = 0; i < replies.length; i++) results[from + i] = replies[i];
      return;
    } catch (error) {
      if (!options.isolates(error)) throw error;
      if (to - from === 1) {
        failed.push({ index: from, error });
        return;
      }
      options.onSplit?.(error, to - from);
    }
    const middle = from + Math.floor((to - from) / 2);
    await run(from, middle);
    await run(middle, to);
  };
  await run(0, items.length);
  return { results, failed };
}
