/**
 * The dlq tool's pure part: what an operator sees of a dead letter, which ones a replay selects, and
 * the table `list` prints. Never shows the value: it may hold a citizen's text.
 */
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { terminalSafe } from '../terminal-safe.js';
import { readDeadLetterHeaders } from '../../../core/contracts/index.js';

export interface DeadLetterView {
  dlqPartition: number;
  dlqOffset: string;
  /** otklik.dlq.at, or the record's Kafka timestamp when the header is missing. */
  at: string;
  code: string;
  message: string;
  field: string | undefined;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  /** The key as text when it is printable UTF-8, else `base64:...`; null for a null key. */
  key: string | null;
  valueBytes: number;
}

const PRINTABLE = /^[^\p{Cc}\p{Cs}]*$/u;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function printableKey(key: Buffer | null | undefined): string | null {
  if (key === null || key === undefined) return null;
  try {
    const text = utf8.decode(key);
    if (PRINTABLE.test(text)) return text;
  } catch {
    // not UTF-8: fall through to base64
  }
  return `base64:${key.toString('base64')}`;
}

/** The view of one DLQ record, or undefined when it carries no otklik.dlq.code (not a dead letter). */
export function toDeadLetterView(partition: number, message: KafkaMessage): DeadLetterView | undefined {
  const info = readDeadLetterHeaders(message.headers as IHeaders | undefined);
  if (!info) return undefined;
  return {
    dlqPartition: partition,
    dlqOffset: message.offset,
    at: info.at || new Date(Number(message.timestamp)).toISOString(),
    code: info.code,
    message: info.message,
    field: info.field,
    sourceTopic: info.sourceTopic,
    sourcePartition: info.sourcePartition,
    sourceOffset: info.sourceOffset,
    key: printableKey(message.key),
    valueBytes: message.value?.length ?? 0,
  };
}

/** Newest first: by otklik.dlq.at, then by position in the DLQ. */
export function newestFirst(a: DeadLetterView, b: DeadLetterView): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  if (a.dlqPartition !== b.dlqPartition) return b.dlqPartition - a.dlqPartition;
  return Number(BigInt(b.dlqOffset) - BigInt(a.dlqOffset));
}

export interface OffsetRef {
  topic?: string;
  partition: number;
  offset: string;
}

/** `P:O` or, for source offsets, `TOPIC:P:O` (topic names cannot contain ':'). */
export function parseOffsetRef(text: string, allowTopic: boolean): OffsetRef {
  const parts = text.split(':');
  const offset = parts.pop();
  const partition = parts.pop();
  const topic = parts.length ? parts.join(':') : undefined;
  const valid =
    offset !== undefined &&
    partition !== undefined &&
    /^\d+$/.test(offset) &&
    /^\d+$/.test(partition) &&
    (topic === undefined || (allowTopic && topic.length > 0));
  if (!valid) {
    throw new Error(
      `${JSON.stringify(text)}: expected ${allowTopic ? '[TOPIC:]PARTITION:OFFSET' : 'PARTITION:OFFSET'}`,
    );
  }
  return {
    ...(topic === undefined ? {} : { topic }),
    partition: Number(partition),
    offset: BigInt(offset).toString(),
  };
}

export interface ReplaySelection {
  codes: string[];
  dlqOffsets: OffsetRef[];
  sourceOffsets: OffsetRef[];
}

export function isEmptySelection(selection: ReplaySelection): boolean {
  return !selection.codes.length && !selection.dlqOffsets.length && !selection.sourceOffsets.length;
}

/** Kinds of selector combine with AND; the values given for one kind, with OR. */
export function matchesSelection(view: DeadLetterView, selection: ReplaySelection): boolean {
  const { codes, dlqOffsets, sourceOffsets } = selection;
  if (codes.length && !codes.includes(view.code)) return false;
  if (
    dlqOffsets.length &&
    !dlqOffsets.some((r) => r.partition === view.dlqPartition && r.offset === view.dlqOffset)
  ) {
    return false;
  }
  if (
    sourceOffsets.length &&
    !sourceOffsets.some(
      (r) =>
        (r.topic === undefined || r.topic === view.sourceTopic) &&
        r.partition === view.sourcePartition &&
        r.offset === view.sourceOffset,
    )
  ) {
    return false;
  }
  return true;
}

/**
 * One dead letter per source message: a message dead-lettered twice (a worker crashed before it
 * committed) is replayed once, from its latest dead letter.
 */
export function latestPerSource<T extends { view: DeadLetterView }>(items: readonly T[]): T[] {
  const bySource = new Map<string, T>();
  for (const item of items) {
    const { sourceTopic, sourcePartition, sourceOffset } = item.view;
    const id = `${sourceTopic}\u0000${sourcePartition}\u0000${sourceOffset}`;
    const kept = bySource.get(id);
    if (!kept || newestFirst(item.view, kept.view) < 0) bySource.set(id, item);
  }
  return [...bySource.values()].sort((a, b) => -newestFirst(a.view, b.view));
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** The human table of `list`: one line per dead letter, the reason last and unclipped. */
export function formatTable(views: readonly DeadLetterView[]): string {
  const rows = views.map((v) =>
    [
      v.at,
      v.code,
      `${v.sourceTopic}/${v.sourcePartition}@${v.sourceOffset}`,
      v.key === null ? '(null)' : clip(v.key, 40),
      `${v.dlqPartition}@${v.dlqOffset}`,
      v.field ? `${v.field}: ${v.message}` : v.message,
    ].map(terminalSafe),
  );
  const header = ['AT', 'CODE', 'SOURCE', 'KEY', 'DLQ', 'REASON'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
