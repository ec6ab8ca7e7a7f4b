/** What the detector reads of a comment: the event's fields and the classifier's verdict. */
export interface DetectorComment {
  /** `platform:comment_id`, the comment key of docs/design.md#topics. */
  key: string;
  commentId: string;
  op: 'POSTED' | 'EDITED' | 'DELETED';
  authorId: string;
  authorKind: string;
  pageId: string;
  threadId: string;
  region: string;
  municipality: string | null;
  text: string;
  /** Event time, epoch ms: the detector's only clock. */
  postedAt: number;
  category: string;
  type: string;
  spam: boolean;
}

export type IncidentKind = 'OPENED' | 'UPDATED' | 'CLOSED';
export type IncidentType = 'incident' | 'campaign';

/** One line of the replay's output (issue #17, item 6); the Avro `IncidentEvent` is the service's. */
export interface IncidentReplayLine {
  incident_id: string;
  kind: IncidentKind;
  type: IncidentType;
  /** The `posted_at` of the comment whose processing produced this event. */
  at: number;
  region: string;
  municipality: string | null;
  category: string;
  /** OPENED: every member so far; UPDATED: the new ones; CLOSED: none. */
  comment_ids: string[];
}

/** What the service publishes beyond the replay line (the Avro IncidentEvent's other fields). */
export interface IncidentDetail {
  /** Members so far. */
  size: number;
  /** Distinct authors among them. */
  authors: number;
  /** Distinct pages they were posted under (at most 64 are told apart). */
  pages: number;
  /** Municipalities of their pages (at most 16). */
  municipalities: string[];
  firstAt: number;
  lastAt: number;
  /** The members' most common content words, most common first, as first written. */
  words: string[];
}

/** What the detector answers: the replay line and the detail the service needs. */
export interface DetectorEvent extends IncidentReplayLine {
  detail: IncidentDetail;
}
