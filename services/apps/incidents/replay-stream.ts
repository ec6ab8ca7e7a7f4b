/**
 * The replay's logic without its I/O: one input line in, the output lines it causes out. Input is the
 * project's JSON input format (what `otklik produce` and `classify` accept: CommentEvent fields, with
 * produce's defaults); the gate's checks run with the stream's own time as "now", never the wall clock.
 */
import { classify, TaxonomyRouter } from '../../core/classifier/index.js';
import { checkEvent, ContractError, resolveLimits, type CommentEvent } from '../../core/contracts/index.js';
import {
  IncidentDetector,
  type DetectorConfig,
  type DetectorEvent,
  type IncidentReplayLine,
} from '../../core/incidents/index.js';
import { detectorCommentOf } from '../../core/incidents/comment.js';
import { InputError, toCommentEvent, toCommentTemplate } from '../cli/input/comment-input.js';

const SHIPPED_ROUTING = new TaxonomyRouter();

export interface ReplayResult {
  /** JSON lines for stdout. */
  lines: string[];
  /** Why the line was skipped, for stderr; null when it was used. */
  problem: string | null;
}

/** Names `classify` accepts that `otklik produce` spells otherwise. */
const ALIASES: Record<string, string> = { id: 'comment_id', postedAt: 'posted_at' };

export class ReplayStream {
  private readonly detector: IncidentDetector;
  private readonly limits = resolveLimits();
  /** The stream's own time: the newest posted_at read so far. */
  private clock = -Infinity;

  constructor(config: Partial<DetectorConfig> = {}) {
    this.detector = new IncidentDetector(config);
  }

  push(line: string, lineNo: number): ReplayResult {
    const trimmed = line.trim();
    if (trimmed === '') return { lines: [], problem: null };
    let event: CommentEvent;
    try {
      event = this.toEvent(trimmed, lineNo);
    } catch (e) {
      if (e instanceof InputError || e instanceof ContractError) return { lines: [], problem: e.message };
      throw e;
    }
    return { lines: this.detect(event).map((e) => JSON.stringify(replayLineOf(e))), problem: null };
  }

  /** The incident events of one accepted comment. */
  detect(event: CommentEvent): DetectorEvent[] {
    const classification = classify({
      text: event.text,
      postedAt: event.posted_at,
      region: event.region,
      authorKind: event.author.kind,
      // The shipped routing, as a worker without classifier.taxonomies in its config file.
      taxonomy: SHIPPED_ROUTING.of({ region: event.region, pageId: event.page_id }),
    });
    return this.detector.process(detectorCommentOf(event, classification));
  }

  private toEvent(line: string, lineNo: number): CommentEvent {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new InputError(lineNo, 'not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new InputError(lineNo, 'a line must be a JSON object');
    const raw: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(parsed)) {
      const field = ALIASES[name] ?? name;
      if (!(field in raw)) raw[field] = value;
    }
    if (typeof raw.posted_at !== 'number') throw new InputError(lineNo, 'posted_at (epoch ms) is required');
    // A deletion may come without its text; `otklik produce` wants one, the detector never reads it.
    if (String(raw.op).toUpperCase() === 'DELETED' && (raw.text === undefined || raw.text === ''))
      raw.text = '-';
    const template = toCommentTemplate(raw, lineNo, 'stdin');
    const event = toCommentEvent(template, this.clock);
    const now = Math.max(this.clock, event.posted_at);
    checkEvent(event, this.limits, now);
    this.clock = now;
    return event;
  }
}

/** The replay's contract fields only (issue #17, item 6), in its order. */
export function replayLineOf(event: DetectorEvent): IncidentReplayLine {
  const { detail: _detail, ...line } = event;
  return line;
}
