import type { IHeaders } from 'kafkajs';
import { classify } from '../core/classifier/index.js';
import {
  commentBodyOf,
  ContractError,
  deadLetterHeaders,
  encodeClassifiedComment,
  withDeadLetterHeaders,
  type createCommentDecoder,
} from '../core/contracts/index.js';
import type { Classification, ClassifiedComment } from '../core/contracts/schema-types.generated.js';
import type { SlaCommand } from '../core/sla/commands.js';
import { planSla, type PlanOptions } from '../core/sla/plan.js';
import type { PolicyConfig } from '../core/sla/policy.js';
import { commentKeyOf } from '../core/sla/shard.js';

export interface InputMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
  offset: string;
}

export interface OutputMessage {
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export interface PreparedBatch {
  slaCommands: SlaCommand[];
  classified: OutputMessage[];
  deadLetters: OutputMessage[];
  /** For metrics and logs: what the batch held. */
  stats: { decoded: number; deadLettered: number; categories: Record<string, number> };
  deadLetterCodes: { offset: string; code: string }[];
}

export interface PrepareContext {
  topic: string;
  partition: number;
  decode: ReturnType<typeof createCommentDecoder>;
  policies: PolicyConfig;
  plan: PlanOptions;
  /** Bytes of a text the classifier reads (classifier.maxTextBytes); its default when absent. */
  classifierMaxTextBytes?: number;
  /** Worker clock, used only for plausibility checks and classified_at; never for deadlines. */
  nowMs: number;
}

/**
 * Everything a batch needs, computed in memory before any I/O: decode, classify, decide the SLA
 * transition, encode the outputs. Bad input becomes a dead letter carrying the original key, value and
 * headers untouched plus the reason; it never stops the batch.
 */
export function prepareBatch(messages: readonly InputMessage[], ctx: PrepareContext): PreparedBatch {
  const out: PreparedBatch = {
    slaCommands: [],
    classified: [],
    deadLetters: [],
    stats: { decoded: 0, deadLettered: 0, categories: {} },
    deadLetterCodes: [],
  };
  for (const message of messages) {
    let event;
    try {
      event = ctx.decode(message.value, message.headers ?? {}, ctx.nowMs);
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      out.deadLetters.push({
        key: message.key,
        value: message.value,
        // A replayed message that fails again must not keep the reason of its earlier failure.
        headers: withDeadLetterHeaders(
          message.headers,
          deadLetterHeaders(
            error,
            { topic: ctx.topic, partition: ctx.partition, offset: message.offset },
            ctx.nowMs,
          ),
        ),
      });
      out.stats.deadLettered++;
      out.deadLetterCodes.push({ offset: message.offset, code: error.code });
      continue;
    }
    out.stats.decoded++;
    if (event.op === 'DELETED') {
      const plan = planSla(event, ZERO_CLASSIFICATION, ctx.policies, ctx.plan);
      if (plan.command) out.slaCommands.push(plan.command);
      continue;
    }
    const classification = classify({
      text: event.text,
      postedAt: event.posted_at,
      region: event.region,
      authorKind: event.author.kind,
      maxTextBytes: ctx.classifierMaxTextBytes,
    });
    const plan = planSla(event, classification, ctx.policies, ctx.plan);
    if (plan.command) out.slaCommands.push(plan.command);
    out.stats.categories[classification.category] = (out.stats.categories[classification.category] ?? 0) + 1;
    const key = commentKeyOf(event.platform, event.comment_id);
    const classified: ClassifiedComment = {
      key,
      comment: event,
      classification,
      sla: plan.sla,
      classified_at: ctx.nowMs,
    };
    // The input's Avro body is reused for the embedded comment when it was written with our schema.
    const commentBody = message.value ? commentBodyOf(message.value) : undefined;
    out.classified.push({ key, value: encodeClassifiedComment(classified, commentBody) });
  }
  return out;
}

/** A delete needs no classification; this placeholder is never published. */
const ZERO_CLASSIFICATION: Classification = {
  category: 'other',
  type: 'other',
  priority: 'normal',
  toxic: false,
  spam: false,
  actionable: false,
  confidence: 0,
  evidence: [],
  version: 'none',
  text_truncated: false,
};
