/**
 * Names of the incident service's Redis keys. Every key of one detector shard shares the `{inc<n>}` hash
 * tag, so each script's keys are in one cluster slot; the tag differs from the SLA shards' `{<n>}`.
 */
export class IncidentKeys {
  constructor(readonly prefix: string) {}

  tag(shard: number): string {
    return `${this.prefix}:{inc${shard}}`;
  }

  /** Hash: `seq` (records ever appended), `base` (seq of the log's head), `off:<topic>:<partition>` (next
   * offset applied), `queued` and `published` (events ever queued, and acknowledged as published). */
  meta(shard: number): string {
    return `${this.tag(shard)}:meta`;
  }

  /** List: the detector's input, in the order it was applied (the shard's state, replayed on start). */
  log(shard: number): string {
    return `${this.tag(shard)}:log`;
  }

  /** List: encoded IncidentEvents queued for the topic, oldest first. */
  outbox(shard: number): string {
    return `${this.tag(shard)}:outbox`;
  }

  /** Hash: incident id -> JSON summary of each open incident. */
  open(shard: number): string {
    return `${this.tag(shard)}:open`;
  }

  /** Set: member comment keys of an incident (kept a while after it closes). */
  members(shard: number, incidentId: string): string {
    return `${this.tag(shard)}:m:${incidentId}`;
  }

  lock(shard: number): string {
    return `${this.tag(shard)}:lock`;
  }
}
