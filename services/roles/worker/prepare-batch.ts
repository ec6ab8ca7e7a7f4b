import type { IHeaders } from 'kafkajs';
import type { InputMessage } from '../../runtime/consumer/processor.js';
import { classify, TaxonomyRouter } from '../../core/classifier/index.js';
import {
  boundDeadLetter,
  ContractError,
  deadLetterHeaders,
  defaultCodecs,
  recordBytes,
  withDeadLetterHeaders,
  type ClassifiedEncoder,
  type createCommentDecoder,
  type DeadLetterReason,
} from '../../core/contracts/index.js';
import type {
  Classification,
  ClassifiedComment,
  CommentEvent,
} from '../../core/contracts/schema-types.generated.js';
import type { ActionCommand, SlaCommand } from '../../core/sla/commands.js';
import { planSla, type PlanOptions } from '../../core/sla/plan.js';
import type { PolicyConfig } from '../../core/sla/policy.js';
import { commentKeyOf } from '../../core/sla/shard.js';

export type { InputMessage };

export interface OutputMessage {
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export interface PreparedBatch {
  slaCommands: SlaCommand[];
  /** The input message of each SLA command, by index: a command Redis refuses dead-letters its message. */
  commandSources: InputMessage[];
  classified: OutputMessage[];
  /** The input message of each classified output, by index. */
  classifiedSources: InputMessage[];
  deadLetters: OutputMessage[];
  /** For metrics and logs: what the batch held. */
  stats: { decoded: number; deadLettered: number; categories: Record<string, number> };
  deadLetterCodes: { offset: string; code: string }[];
  /** A chunk of the operator-actions topic: its actions, applied after the group's comments. */
  actions?: ActionCommand[];
}

const DEFAULT_ROUTER = new TaxonomyRouter();

/** Largest record written by default: a little under the broker's default message.max.bytes (1 MiB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_000_000;

export interface PrepareContext {
  topic: string;
  partition: number;
  decode: ReturnType<typeof createCommentDecoder>;
  policies: PolicyConfig;
  plan: PlanOptions;
  /** Bytes of a text the classifier reads (classifier.maxTextBytes); its default when absent. */
  classifierMaxTextBytes?: number;
  /** Each comment's routing taxonomy by page and region (classifier.taxonomies); the shipped routing when absent. */
  taxonomies?: TaxonomyRouter;
  /** Worker clock, used only for plausibility checks and classified_at; never for deadlines. */
  nowMs: number;
  /** Largest record written (OTKLIK_MAX_MESSAGE_BYTES): dead letters are cut to it, larger outputs refused. */
  maxMessageBytes?: number;
  /** Writes the classified outputs; the carried catalogue's ids when absent. */
  encoder?: ClassifiedEncoder;
  /** The classifier; a test may put a failing one in its place. */
  classify?: typeof classify;
}

/**
 * The dead letter of `message`: its original key, value and headers with the reason, truncated when
 * it would not fit in one record (bounded-dead-letter.ts).
 */
export function deadLetterOf(
  message: InputMessage,
  reason: DeadLetterReason,
  source: { topic: string; partition: number; nowMs: number; maxMessageBytes: number },
): OutputMessage {
  return boundDeadLetter(
    {
      key: message.key,
      value: message.value,
      // A replayed message that fails again must not keep the reason of its earlier failure.
      headers: withDeadLetterHeaders(
        message.headers,
        deadLetterHeaders(
          reason,
          { topic: source.topic, partition: source.partition, offset: message.offset },
          source.nowMs,
        ),
      ),
    },
    source.maxMessageBytes,
  );
}

/**
 * An error the worker does not know, as the reason of a PROCESSING_FAILED dead letter: its name and
 * message. Nothing of ours puts comment text in an error message, but a library might quote its input:
 * the text and author id are blanked out of it in case.
 */
export function processingFailure(
  error: unknown,
  context?: string,
  event?: { text?: string; author?: { id: string } },
): DeadLetterReason {
  let message = error instanceof Error ? `${error.name}: ${error.message}` : `thrown: ${String(error)}`;
  for (const secret of [event?.text, event?.author?.id]) {
    if (secret && secret.length >= 4) message = message.split(secret).join('<redacted>');
  }
  return { code: 'PROCESSING_FAILED', message: context ? `${context}: ${message}` : message };
}

/**
 * Everything a batch needs, computed in memory before any I/O: decode, classify, decide the SLA
 * transition, encode the outputs. Bad input becomes a dead letter carrying the original key, value and
 * headers untouched plus the reason; it never stops the batch. So does a message whose processing throws
 * an error nobody expected (PROCESSING_FAILED): the same bytes would throw again, and retrying would stop
 * the partition for good. A message contributes its SLA command and output together or not at all.
 */
export function prepareBatch(messages: readonly InputMessage[], ctx: PrepareContext): PreparedBatch {
  const out: PreparedBatch = {
    slaCommands: [],
    commandSources: [],
    classified: [],
    classifiedSources: [],
    deadLetters: [],
    stats: { decoded: 0, deadLettered: 0, categories: {} },
    deadLetterCodes: [],
  };
  const classifyText = ctx.classify ?? classify;
  const taxonomies = ctx.taxonomies ?? DEFAULT_ROUTER;
  const encoder = ctx.encoder ?? defaultCodecs().classifiedEncoder;
  const maxMessageBytes = ctx.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const limits = { topic: ctx.topic, partition: ctx.partition, nowMs: ctx.nowMs, maxMessageBytes };
  const deadLetter = (message: InputMessage, reason: DeadLetterReason) => {
    out.deadLetters.push(deadLetterOf(message, reason, limits));
    out.stats.deadLettered++;
    out.deadLetterCodes.push({ offset: message.offset, code: reason.code });
  };
  for (const message of messages) {
    let event: CommentEvent | undefined;
    try {
      event = ctx.decode(message.value, message.headers ?? {}, ctx.nowMs);
      if (event.op === 'DELETED') {
        const plan = planSla(event, ZERO_CLASSIFICATION, ctx.policies, ctx.plan);
        out.stats.decoded++;
        if (plan.command) {
          out.slaCommands.push(plan.command);
          out.commandSources.push(message);
        }
        continue;
      }
      const classification = classifyText({
        text: event.text,
        postedAt: event.posted_at,
        region: event.region,
        authorKind: event.author.kind,
        maxTextBytes: ctx.classifierMaxTextBytes,
        taxonomy: taxonomies.of({ region: event.region, pageId: event.page_id }),
      });
      const plan = planSla(event, classification, ctx.policies, ctx.plan);
      const key = commentKeyOf(event.platform, event.comment_id);
      const classified: ClassifiedComment = {
        key,
        comment: event,
        classification,
        sla: plan.sla,
        classified_at: ctx.nowMs,
      };
      // The input's Avro body is reused for the embedded comment when it was written with our schema.
      const commentBody = message.value ? encoder.commentBodyOf(message.value) : undefined;
      const output = { key, value: encoder.encode(classified, commentBody) };
      const outputBytes = recordBytes(output);
      if (outputBytes > maxMessageBytes) {
        // The broker would refuse it for good; its transition is not applied either.
        throw new OutputTooLargeError(
          `classified output of ${outputBytes} bytes is over the limit of ${maxMessageBytes}`,
        );
      }
      out.stats.decoded++;
      if (plan.command) {
        out.slaCommands.push(plan.command);
        out.commandSources.push(message);
      }
      out.stats.categories[classification.category] =
        (out.stats.categories[classification.category] ?? 0) + 1;
      out.classified.push(output);
      out.classifiedSources.push(message);
    } catch (error) {
      deadLetter(
        message,
        error instanceof ContractError ? error : processingFailure(error, undefined, event),
      );
    }
  }
  return out;
}

/** A classified output larger than the broker takes. */
class OutputTooLargeError extends Error {
  override readonly name = 'OutputTooLarge';
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
