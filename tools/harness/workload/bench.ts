/**
 * The benchmark's input: encoded comment events, each of which yields exactly one classified output
 * (see pieces.ts for why each use has its own builder).
 */
import { classify } from '../../../services/core/classifier/index.js';
import type { CommentEvent } from '../../../services/core/contracts/schema-types.generated.js';
import { createCommentFactory } from '../comment-texts.js';
import { seededRandom } from '../random.js';
import { messageOf, type WorkloadMessage } from './pieces.js';

export type BenchMessage = WorkloadMessage;

export interface BenchWorkload {
  messages: BenchMessage[];
  /** New citizens' comments: each must end up counted as opened or not actionable. */
  comments: number;
  replies: number;
  edits: number;
  medianChars: number;
}

/**
 * `n` events: about 90% new comments, 7% official replies and 3% edits. Replies go only to comments the
 * classifier finds actionable, so every comment lands in exactly one of the counters `opened` and
 * `not_actionable` whatever order the partitions are processed in (a reply may overtake its comment).
 */
export function benchWorkload(runId: string, n: number, seed: number, nowMs = Date.now()): BenchWorkload {
  const rnd = seededRandom(seed);
  const factory = createCommentFactory(runId, seed);
  const comments: CommentEvent[] = [];
  const replied = new Set<number>();
  const messages: BenchMessage[] = [];
  const chars: number[] = [];
  let replies = 0;
  let edits = 0;
  const push = (event: CommentEvent) => messages.push(messageOf(event));
  const start = nowMs - 60 * 60_000;

  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.07 && comments.length > 10) {
      const j = Math.floor(rnd() * comments.length);
      const parent = comments[j] as CommentEvent;
      if (
        !replied.has(j) &&
        classify({ text: parent.text, postedAt: parent.posted_at, region: parent.region }).actionable
      ) {
        replied.add(j);
        replies++;
        push(factory.reply(parent, parent.posted_at + 5 * 60_000));
        continue;
      }
    } else if (r < 0.1 && comments.length > 10) {
      const parent = comments[Math.floor(rnd() * comments.length)] as CommentEvent;
      const text = factory.comment(parent.posted_at).text;
      edits++;
      push({ ...parent, event_id: `${parent.event_id}-e${i}`, op: 'EDITED', text });
      continue;
    }
    // Event times spread over the half hour that ended 30 minutes ago: replies stay in the past.
    const comment = factory.comment(start + Math.floor((i / n) * 30 * 60_000));
    comments.push(comment);
    chars.push(comment.text.length);
    push(comment);
  }
  chars.sort((a, b) => a - b);
  return {
    messages,
    comments: comments.length,
    replies,
    edits,
    medianChars: chars[Math.floor(chars.length / 2)] ?? 0,
  };
}
