import type { CommentEvent, OperatorAction } from '../../core/contracts/schema-types.generated.js';
import { buildOperatorAction } from '../cli/commands/act.js';
import { SAMPLE_COMMENTS } from './sample-comments.js';

export type ScheduledSend =
  | { atMs: number; kind: 'avro'; event: CommentEvent; note: string }
  | { atMs: number; kind: 'json'; event: CommentEvent; note: string }
  | { atMs: number; kind: 'raw'; key: string; value: Buffer; contentType?: string; note: string }
  | { atMs: number; kind: 'action'; action: OperatorAction; note: string };

/**
 * The demo's timeline: one citizen comment a second, official replies, a citizen's follow-up under one,
 * a delete, a reply that overtakes its comment, operators' actions (a pause, a resume, a final answer, a
 * correction sent twice), and two
 * malformed messages for the dead-letter topic. Times are relative to the start.
 */
export function buildScenario(runId: string, startMs: number, spacingMs = 1_000): ScheduledSend[] {
  const sends: ScheduledSend[] = [];
  SAMPLE_COMMENTS.forEach((sample, i) => {
    const atMs = i * spacingMs;
    const commentId = `${runId}-${String(i + 1).padStart(2, '0')}`;
    const comment: CommentEvent = {
      event_id: `${commentId}-posted`,
      op: 'POSTED',
      platform: 'VK',
      comment_id: commentId,
      thread_id: `${sample.page}-post-1`,
      parent_comment_id: null,
      page_id: sample.page,
      region: sample.region,
      municipality: sample.municipality,
      author: { id: `citizen-${i + 1}`, kind: 'CITIZEN' },
      text: sample.text,
      posted_at: startMs + atMs,
      url: `https://vk.com/wall-1_${i + 1}?reply=${commentId}`,
    };
    const commentAt = sample.replyFirst ? atMs + 2_000 : atMs;
    sends.push({ atMs: commentAt, kind: sample.asJson ? 'json' : 'avro', event: comment, note: 'comment' });
    if (sample.replyAfterSec !== undefined) {
      const replyAt = atMs + sample.replyAfterSec * 1000;
      sends.push({
        atMs: sample.replyFirst ? atMs : replyAt,
        kind: 'avro',
        note: sample.replyFirst ? 'reply (arrives before its comment)' : 'reply',
        event: {
          ...comment,
          event_id: `${commentId}-reply`,
          comment_id: `${commentId}-r`,
          parent_comment_id: commentId,
          author: { id: 'official-1', kind: 'OFFICIAL' },
          text: 'Здравствуйте! Ваше обращение передано в профильное ведомство, ответим в ближайшее время.',
          posted_at: startMs + replyAt,
          url: null,
        },
      });
    }
    if (sample.followUp && sample.replyAfterSec !== undefined) {
      // A citizen's comment under the official reply: the same appeal's follow-up, not an appeal of its own.
      const followAt = atMs + sample.followUp.afterSec * 1000;
      sends.push({
        atMs: followAt,
        kind: 'avro',
        note: sample.followUp.why,
        event: {
          ...comment,
          event_id: `${commentId}-f-posted`,
          comment_id: `${commentId}-f`,
          parent_comment_id: `${commentId}-r`,
          text: sample.followUp.text,
          posted_at: startMs + followAt,
          url: null,
        },
      });
    }
    for (const step of sample.actions ?? []) {
      const actedAt = atMs + step.afterSec * 1000;
      // Built and checked as `otklik act` builds them (the consumers' gate), with the event time set.
      const action = buildOperatorAction(
        `VK:${commentId}`,
        step.action,
        {
          operator: 'demo-operator',
          actionId: `${commentId}-${step.action}-${step.afterSec}`,
          at: new Date(startMs + actedAt).toISOString(),
          format: 'avro',
          ...step.options,
        },
        startMs + actedAt,
      );
      sends.push({ atMs: actedAt, kind: 'action', action, note: step.why });
      if (step.resend) {
        sends.push({
          atMs: actedAt + 1_000,
          kind: 'action',
          action,
          note: 'the same action id again: applied once',
        });
      }
    }
    if (sample.deleteAfterSec !== undefined) {
      const deleteAt = atMs + sample.deleteAfterSec * 1000;
      sends.push({
        atMs: deleteAt,
        kind: 'avro',
        note: 'delete',
        event: { ...comment, event_id: `${commentId}-deleted`, op: 'DELETED', posted_at: startMs + deleteAt },
      });
    }
  });
  sends.push({
    atMs: 2_500,
    kind: 'raw',
    key: `VK:${runId}-garbage`,
    value: Buffer.from('this is not an Avro message'),
    note: 'malformed bytes',
  });
  sends.push({
    atMs: 3_500,
    kind: 'raw',
    key: `VK:${runId}-badjson`,
    value: Buffer.from('{"event_id": "x", "platform": "VK", "text": '),
    contentType: 'application/json',
    note: 'truncated JSON',
  });
  return sends.sort((a, b) => a.atMs - b.atMs);
}
