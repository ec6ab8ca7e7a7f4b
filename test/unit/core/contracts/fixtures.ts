/** Hand-made sample events for the contract tests (invented text, no real comments). */
import type {
  ClassifiedComment,
  CommentEvent,
  IncidentEvent,
  SlaAlert,
} from '../../../../services/core/contracts/index.js';
import { SchemaCatalogue, SUBJECTS, getDefaultCatalogue } from '../../../../services/core/contracts/index.js';
import { contractSha256, type SchemaJson } from '../../../../services/core/contracts/schema-json.js';

export const NOW = Date.UTC(2025, 0, 15, 9, 30, 0);

export function commentEvent(overrides: Partial<CommentEvent> = {}): CommentEvent {
  return {
    event_id: 'evt-0001',
    op: 'POSTED',
    platform: 'VK',
    comment_id: '100500',
    thread_id: 'wall-54_777',
    parent_comment_id: null,
    page_id: 'club-54-admin',
    region: '54',
    municipality: 'Novosibirsk',
    author: { id: 'id-42', kind: 'CITIZEN' },
    text: 'Тестовый комментарий: в доме третий день нет горячей воды 🚿',
    posted_at: NOW - 5 * 60 * 1000,
    url: 'https://vk.example/wall-54_777?reply=100500',
    ...overrides,
  };
}

export function classifiedComment(overrides: Partial<ClassifiedComment> = {}): ClassifiedComment {
  const comment = commentEvent();
  return {
    key: `${comment.platform}:${comment.comment_id}`,
    comment,
    classification: {
      category: 'housing_utilities',
      type: 'complaint',
      priority: 'high',
      toxic: false,
      spam: false,
      actionable: true,
      confidence: 0.875,
      evidence: [
        { concern: 'category', feature: 'вод→housing_utilities', weight: 1.5 },
        { concern: 'type', feature: 'нет→complaint', weight: 0.25 },
      ],
      version: 'rules-2025.01',
      text_truncated: false,
    },
    sla: { policy_id: 'default-24x7', warn_at: NOW + 90 * 60 * 1000, due_at: NOW + 2 * 60 * 60 * 1000 },
    classified_at: NOW,
    ...overrides,
  };
}

export function slaAlert(overrides: Partial<SlaAlert> = {}): SlaAlert {
  return {
    alert_id: 'VK:100500:WARNING:0',
    kind: 'WARNING',
    level: 0,
    comment_key: 'VK:100500',
    platform: 'VK',
    comment_id: '100500',
    thread_id: 'wall-54_777',
    page_id: 'club-54-admin',
    region: '54',
    municipality: null,
    category: 'housing_utilities',
    priority: 'high',
    posted_at: NOW - 5 * 60 * 1000,
    due_at: NOW + 2 * 60 * 60 * 1000,
    fired_at: NOW + 90 * 60 * 1000,
    overdue_ms: -30 * 60 * 1000,
    excerpt: 'Тестовый комментарий: в доме…',
    url: null,
    target: 'FIRST_REPLY',
    ...overrides,
  };
}

/** A deep copy of a schema JSON, to derive test versions from the released one. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

type SchemaNode = Record<string, unknown> & { fields: Record<string, unknown>[] };

/** The released CommentEvent v1, as JSON, to derive test versions from. */
export function commentEventV1(): SchemaNode {
  return cloneJson(getDefaultCatalogue().version(SUBJECTS.commentEvent, 1)!.schema) as SchemaNode;
}

/** An in-memory catalogue; sha256 is taken from the schemas as given (so they count as unchanged). */
export function catalogueOf(
  entries: { id: number; version: number; schema: unknown; subject?: string }[],
): SchemaCatalogue {
  return new SchemaCatalogue(
    entries.map((e) => ({
      id: e.id,
      subject: e.subject ?? SUBJECTS.commentEvent,
      version: e.version,
      file: `test-v${e.version}.avsc`,
      sha256: contractSha256(e.schema),
      schema: e.schema as SchemaJson,
    })),
  );
}

/** Finds a field of a record schema by name (throws when absent, so tests fail loudly). */
export function fieldOf(schema: SchemaNode, name: string): Record<string, unknown> {
  const field = schema.fields.find((f) => f.name === name);
  if (!field) throw new Error(`no field ${name}`);
  return field;
}

export function incidentEvent(overrides: Partial<IncidentEvent> = {}): IncidentEvent {
  return {
    incident_id: 'inc-0123456789abcdef',
    sequence: 0,
    kind: 'OPENED',
    type: 'incident',
    at: NOW,
    region: '54',
    municipality: 'Бердск',
    category: 'housing_utilities',
    title: 'нет воды, Ленина',
    severity: 'high',
    member_keys: ['VK:1', 'OK:2', 'TELEGRAM:3', 'VK:4'],
    size: 4,
    authors: 4,
    pages: 2,
    municipalities: ['Бердск'],
    first_member_at: NOW - 20 * 60 * 1000,
    last_member_at: NOW,
    ...overrides,
  };
}
