/**
 * The incident service's view of its detector's events (docs/incidents.md#the-service): numbers each
 * incident's events (the Avro `sequence`) and keeps the open incidents' summaries. Fed every event the
 * detector gives, whether the service publishes it or only replays its log, so every process that
 * replays the same log numbers the same way.
 */
import type { IncidentEvent } from '../contracts/index.js';
import { severityOf, titleOf } from './presentation.js';
import type { DetectorEvent } from './types.js';

/** What the board, the CLI and the metric read of an open incident. */
export interface OpenIncident {
  incident_id: string;
  type: IncidentEvent['type'];
  region: string;
  municipality: string | null;
  category: string;
  title: string;
  severity: IncidentEvent['severity'];
  size: number;
  authors: number;
  pages: number;
  municipalities: string[];
  first_member_at: number;
  last_member_at: number;
  /** Event time of the OPENED event. */
  opened_at: number;
  /** Event time of the latest event. */
  updated_at: number;
  /** The latest event's sequence. */
  sequence: number;
  /** Members reported per SPARK_STEP_MS, the last SPARK_BUCKETS steps up to `updated_at`, oldest first. */
  spark: number[];
}

export const SPARK_STEP_MS = 600_000;
export const SPARK_BUCKETS = 12;

export interface BookEntry {
  /** What goes to the topic. */
  event: IncidentEvent;
  /** The incident after the event; null once it closed. */
  open: OpenIncident | null;
}

export class IncidentBook {
  private readonly sequences = new Map<string, number>();
  private readonly openedAt = new Map<string, number>();
  /** incident id -> step number -> members reported in it (the last SPARK_BUCKETS steps). */
  private readonly rates = new Map<string, Map<number, number>>();

  take(e: DetectorEvent): BookEntry {
    const sequence = e.kind === 'OPENED' ? 0 : (this.sequences.get(e.incident_id) ?? -1) + 1;
    if (e.kind === 'OPENED') this.openedAt.set(e.incident_id, e.at);
    const openedAt = this.openedAt.get(e.incident_id) ?? e.at;
    const spark = this.spark(e);
    if (e.kind === 'CLOSED') {
      this.sequences.delete(e.incident_id);
      this.openedAt.delete(e.incident_id);
      this.rates.delete(e.incident_id);
    } else this.sequences.set(e.incident_id, sequence);
    const d = e.detail;
    const event: IncidentEvent = {
      incident_id: e.incident_id,
      sequence,
      kind: e.kind,
      type: e.type,
      at: e.at,
      region: e.region,
      municipality: e.municipality,
      category: e.category as IncidentEvent['category'],
      title: titleOf(e.type, e.category, d),
      severity: severityOf(e.type, e.category, d),
      member_keys: e.comment_ids,
      size: d.size,
      authors: d.authors,
      pages: d.pages,
      municipalities: d.municipalities,
      first_member_at: d.firstAt,
      last_member_at: d.lastAt,
    };
    const open: OpenIncident | null =
      e.kind === 'CLOSED'
        ? null
        : {
            incident_id: e.incident_id,
            type: e.type,
            region: e.region,
            municipality: e.municipality,
            category: e.category,
            title: event.title,
            severity: event.severity,
            size: d.size,
            authors: d.authors,
            pages: d.pages,
            municipalities: d.municipalities,
            first_member_at: d.firstAt,
            last_member_at: d.lastAt,
            opened_at: openedAt,
            updated_at: e.at,
            sequence,
            spark,
          };
    return { event, open };
  }

  private spark(e: DetectorEvent): number[] {
    let rate = this.rates.get(e.incident_id);
    if (rate === undefined) this.rates.set(e.incident_id, (rate = new Map()));
    const step = Math.floor(e.at / SPARK_STEP_MS);
    if (e.comment_ids.length > 0) rate.set(step, (rate.get(step) ?? 0) + e.comment_ids.length);
    for (const s of rate.keys()) if (s <= step - SPARK_BUCKETS) rate.delete(s);
    return Array.from({ length: SPARK_BUCKETS }, (_, i) => rate.get(step - SPARK_BUCKETS + 1 + i) ?? 0);
  }

  /** Open incidents known (for the detector's stats and tests). */
  get size(): number {
    return this.sequences.size;
  }
}
