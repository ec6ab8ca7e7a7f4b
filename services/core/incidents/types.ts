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

/** One line of the replay's output (issue #17, item 6). */
export interface IncidentEvent {
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
