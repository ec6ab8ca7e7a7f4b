import {
  decodeClassifiedComment,
  decodeSlaAlert,
  type ClassifiedComment,
  type SlaAlert,
} from '../contracts/index.js';
import { decodeDecision, type Decision } from './decision.js';

/** How the sink reads the two topics: the carried catalogue's codecs unless told (registry mode). */
export interface RowDecoders {
  classifiedComment(message: Buffer): ClassifiedComment;
  slaAlert(message: Buffer): SlaAlert;
}

const CATALOGUE_DECODERS: RowDecoders = {
  classifiedComment: decodeClassifiedComment,
  slaAlert: decodeSlaAlert,
};

/** What a consumed record brings that the rows need. */
export interface ConsumedRecord {
  value: Buffer | null;
  offset: string;
}

/** One event of the classified topic, flattened for the analytical store (one row per event_id). */
export interface EventRow {
  /** Where the event was read in its partition: not a column; the store skips what it already holds. */
  offset: string;
  event_id: string;
  comment_key: string;
  op: string;
  platform: string;
  comment_id: string;
  thread_id: string;
  parent_key: string | null;
  page_id: string;
  region: string;
  municipality: string | null;
  author_kind: string;
  posted_at_ms: number;
  category: string;
  type: string;
  priority: string;
  toxic: boolean;
  spam: boolean;
  actionable: boolean;
  sla_due_at_ms: number | null;
  classified_at_ms: number;
  text_chars: number;
  /** The problem the comment is about: the strongest phrase (a lexicon stem or phrase, never the
   * comment's own words) that voted for its category, or null when none did. */
  theme: string | null;
  /** Link to the comment on its platform, for examples in reports. */
  url: string | null;
}

/** One alert of the alert topic (one row per alert_id: a re-published alert is the same row). */
export interface AlertRow {
  alert_id: string;
  comment_key: string;
  kind: string;
  level: number;
  region: string;
  municipality: string | null;
  page_id: string;
  category: string;
  priority: string;
  fired_at_ms: number;
  overdue_ms: number;
}

/** A record no contract reads: kept with where it was, so nothing consumed is silently dropped. */
export interface RejectedRow {
  topic: string;
  partition: number;
  offset: string;
  reason: string;
}

export interface AnalyticsChunk {
  events: EventRow[];
  alerts: AlertRow[];
  /** Management decisions (`otklik decisions add`), one row per decision_id. */
  decisions: Decision[];
  rejected: RejectedRow[];
  /** Next offset to read for the chunk's partition: stored with the rows, in the same transaction. */
  next: { topic: string; partition: number; offset: string };
}

/**
 * The category evidence is `label:phrase` (the classifier's lexicon entry that matched), strongest
 * first; the theme is the phrase of the first one that voted for the category chosen.
 */
export function themeOf(classification: ClassifiedComment['classification']): string | null {
  const prefix = `${classification.category}:`;
  for (const e of classification.evidence) {
    if (e.concern !== 'category') continue;
    if (e.feature.startsWith(prefix)) return e.feature.slice(prefix.length);
    const arrow = e.feature.lastIndexOf('→');
    if (arrow > 0 && e.feature.slice(arrow + 1) === classification.category) return e.feature.slice(0, arrow);
  }
  return null;
}

export function eventRowOf(c: ClassifiedComment, offset: string): EventRow {
  const e = c.comment;
  return {
    offset,
    event_id: e.event_id,
    comment_key: c.key,
    op: e.op,
    platform: e.platform,
    comment_id: e.comment_id,
    thread_id: e.thread_id,
    // A reply answers the comment it replies to: the key that comment has (platform:comment_id).
    parent_key: e.parent_comment_id === null ? null : `${e.platform}:${e.parent_comment_id}`,
    page_id: e.page_id,
    region: e.region,
    municipality: e.municipality,
    author_kind: e.author.kind,
    posted_at_ms: e.posted_at,
    category: c.classification.category,
    type: c.classification.type,
    priority: c.classification.priority,
    toxic: c.classification.toxic,
    spam: c.classification.spam,
    actionable: c.classification.actionable,
    sla_due_at_ms: c.sla?.due_at ?? null,
    classified_at_ms: c.classified_at,
    // Length only: the analytical store keeps no comment text (personal data stays in the stream).
    text_chars: e.text.length,
    theme: themeOf(c.classification),
    url: e.url,
  };
}

export function alertRowOf(a: SlaAlert): AlertRow {
  return {
    alert_id: a.alert_id,
    comment_key: a.comment_key,
    kind: a.kind,
    level: a.level,
    region: a.region,
    municipality: a.municipality,
    page_id: a.page_id,
    category: a.category,
    priority: a.priority,
    fired_at_ms: a.fired_at,
    overdue_ms: a.overdue_ms,
  };
}

/** Decodes one partition's chunk of the classified or alert topic into rows (pure: no I/O). */
export function rowsOf(
  messages: readonly ConsumedRecord[],
  source: { topic: string; partition: number },
  topics: { classified: string; alerts: string; decisions?: string },
  decoders: RowDecoders = CATALOGUE_DECODERS,
): AnalyticsChunk {
  const chunk: AnalyticsChunk = {
    events: [],
    alerts: [],
    decisions: [],
    rejected: [],
    next: {
      ...source,
      offset: String(BigInt((messages[messages.length - 1] as ConsumedRecord).offset) + 1n),
    },
  };
  for (const message of messages) {
    try {
      if (!message.value) throw new Error('empty value');
      if (source.topic === topics.alerts) chunk.alerts.push(alertRowOf(decoders.slaAlert(message.value)));
      else if (source.topic === topics.classified)
        chunk.events.push(eventRowOf(decoders.classifiedComment(message.value), message.offset));
      else if (source.topic === topics.decisions) chunk.decisions.push(decodeDecision(message.value));
      else throw new Error(`not a topic of the sink: ${source.topic}`);
    } catch (error) {
      chunk.rejected.push({
        ...source,
        offset: message.offset,
        reason: (error as Error).message.slice(0, 300),
      });
    }
  }
  return chunk;
}
