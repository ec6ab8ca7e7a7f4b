/**
 * `otklik act <comment-key> <action>`: publishes one OperatorAction (issue #16) on the operator-actions
 * topic, keyed by the comment key, after the same gate a consumer applies. The action id is generated
 * unless --action-id gives one: sending again with the same id is the same action, which consumers
 * apply once (the contract of action_id; schemas/operator-action.v1.avsc).
 */
import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { createPlainProducer } from '../../../adapters/kafka/producer.js';
import {
  CATEGORY_SYMBOLS,
  checkOperatorAction,
  COMMENT_TYPE_SYMBOLS,
  CONTENT_TYPE_HEADER,
  ContractError,
  encodeOperatorAction,
  JSON_CONTENT_TYPE,
  OPERATOR_ACTION_KIND_SYMBOLS,
  PAUSE_REASON_SYMBOLS,
  PRIORITY_SYMBOLS,
  type Category,
  type CommentType,
  type OperatorAction,
  type OperatorActionKind,
  type PauseReason,
  type Priority,
} from '../../../core/contracts/index.js';
import { envOf, kafkaOf, UsageError, type CliIo, type GlobalOptions } from '../context.js';

export interface ActOptions {
  operator: string;
  actionId?: string;
  at?: string;
  note?: string;
  agency?: string;
  executor?: string;
  reason?: string;
  category?: Category;
  type?: CommentType;
  priority?: Priority;
  actionable?: boolean;
  topic?: string;
  format: 'avro' | 'json';
  dryRun?: boolean;
  json?: boolean;
}

/** `interim-reply`, `interim_reply` and `INTERIM_REPLY` all name INTERIM_REPLY. */
function kindOf(name: string): OperatorActionKind {
  const kind = name.trim().toUpperCase().replace(/-/g, '_');
  if (!(OPERATOR_ACTION_KIND_SYMBOLS as readonly string[]).includes(kind)) {
    throw new UsageError(
      `unknown action ${JSON.stringify(name)}: one of ${OPERATOR_ACTION_KIND_SYMBOLS.map((k) => k.toLowerCase().replace(/_/g, '-')).join(', ')}`,
    );
  }
  return kind as OperatorActionKind;
}

/** `citizen`, `agency`, or the schema's symbol. */
function reasonOf(name: string): PauseReason {
  const upper = name.trim().toUpperCase().replace(/-/g, '_');
  const reason = upper === 'CITIZEN' || upper === 'AGENCY' ? `WAITING_FOR_${upper}` : upper;
  if (!(PAUSE_REASON_SYMBOLS as readonly string[]).includes(reason)) {
    throw new UsageError(`unknown pause reason ${JSON.stringify(name)}: citizen or agency`);
  }
  return reason as PauseReason;
}

function timeOf(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new UsageError(`--at: not a date and time: ${text} (ISO 8601, e.g. 2026-03-02T10:15:00Z)`);
  return ms;
}

/**
 * The action the options describe, checked by the consumers' gate at `nowMs`. The options of another
 * kind (an --agency on a PAUSED, say) are refused rather than dropped: the operator meant something.
 */
export function buildOperatorAction(
  commentKey: string,
  actionName: string,
  options: ActOptions,
  nowMs: number,
): OperatorAction {
  const kind = kindOf(actionName);
  const corrected =
    options.category !== undefined ||
    options.type !== undefined ||
    options.priority !== undefined ||
    options.actionable !== undefined;
  const action: OperatorAction = {
    action_id: options.actionId ?? randomUUID(),
    comment_key: commentKey,
    kind,
    operator_id: options.operator,
    acted_at: options.at === undefined ? nowMs : timeOf(options.at),
    note: options.note ?? null,
    assignment:
      options.agency !== undefined || options.executor !== undefined
        ? { agency: options.agency ?? '', executor: options.executor ?? null }
        : null,
    pause_reason: options.reason === undefined ? null : reasonOf(options.reason),
    correction: corrected
      ? {
          category: options.category ?? null,
          type: options.type ?? null,
          priority: options.priority ?? null,
          actionable: options.actionable ?? null,
        }
      : null,
  };
  try {
    checkOperatorAction(action, nowMs);
  } catch (e) {
    if (e instanceof ContractError)
      throw new UsageError(`${kind}: ${e.message} (${e.code}); nothing was sent`);
    throw e;
  }
  return action;
}

async function act(
  io: CliIo,
  globals: GlobalOptions,
  commentKey: string,
  actionName: string,
  options: ActOptions,
) {
  const action = buildOperatorAction(commentKey, actionName, options, Date.now());
  const env = envOf(io, globals);
  const topic = options.topic ?? env.OTKLIK_TOPIC_ACTIONS;
  let written: { partition: number; offset: string } | undefined;
  if (!options.dryRun) {
    const producer = createPlainProducer(kafkaOf(io, env, 'act'));
    await producer.connect();
    try {
      const json = options.format === 'json';
      const [meta] = await producer.send({
        topic,
        messages: [
          {
            key: action.comment_key,
            value: json ? Buffer.from(JSON.stringify(action)) : encodeOperatorAction(action),
            headers: json ? { [CONTENT_TYPE_HEADER]: JSON_CONTENT_TYPE } : {},
          },
        ],
      });
      if (meta) written = { partition: meta.partition, offset: meta.baseOffset ?? '?' };
    } finally {
      await producer.disconnect();
    }
  }
  if (options.json) {
    io.out(JSON.stringify({ topic, dryRun: Boolean(options.dryRun), ...written, action }));
    return;
  }
  const where = written ? ` (partition ${written.partition}, offset ${written.offset})` : '';
  io.out(
    `${options.dryRun ? 'would send' : 'sent'} ${action.kind} for ${action.comment_key} as action ${action.action_id} to ${topic}${where}`,
  );
}

function booleanOf(value: string): boolean {
  if (value === 'true' || value === 'yes') return true;
  if (value === 'false' || value === 'no') return false;
  throw new UsageError(`not true or false: ${value}`);
}

export function actCommand(io: CliIo): Command {
  return new Command('act')
    .description(
      'send one operator action on an appeal (assigned, interim-reply, paused, resumed, resolved, reopened, reclassified, not-actionable)',
    )
    .argument('<comment-key>', 'the appeal: PLATFORM:comment_id, e.g. VK:12345')
    .argument('<action>', 'the action, e.g. paused or PAUSED')
    .requiredOption('--operator <id>', "the operator's id (never a name)")
    .option(
      '--action-id <id>',
      'the action id (default: a new UUID); resend with the same id to retry safely',
    )
    .option('--at <time>', 'when the operator acted, ISO 8601 (default: now)')
    .option('--note <text>', 'a note for people')
    .option('--agency <agency>', 'assigned: the responsible agency')
    .option('--executor <executor>', 'assigned: a person or unit inside the agency')
    .option(
      '--reason <reason>',
      'paused: citizen (waiting for the citizen) or agency (waiting for another agency)',
    )
    .addOption(
      new Option('--category <category>', 'reclassified: the corrected category').choices(CATEGORY_SYMBOLS),
    )
    .addOption(new Option('--type <type>', 'reclassified: the corrected type').choices(COMMENT_TYPE_SYMBOLS))
    .addOption(
      new Option('--priority <priority>', 'reclassified: the corrected priority').choices(PRIORITY_SYMBOLS),
    )
    .addOption(new Option('--actionable <bool>', 'reclassified: true or false').argParser(booleanOf))
    .option('--topic <topic>', 'target topic (default: $OTKLIK_TOPIC_ACTIONS or otklik.operator-actions.v1)')
    .addOption(new Option('--format <format>', 'wire format').choices(['avro', 'json']).default('avro'))
    .option('--dry-run', 'check and print the action; send nothing')
    .option('--json', 'print the result (topic, partition, offset, action) as one JSON object')
    .action(async (commentKey: string, actionName: string, options: ActOptions, command: Command) => {
      await act(io, command.optsWithGlobals<GlobalOptions>(), commentKey, actionName, options);
    });
}
