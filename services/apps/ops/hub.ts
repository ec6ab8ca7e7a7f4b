import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { alertMatches, type AlertFeed, type AlertView } from './alert-feed.js';
import { filterKey, type BoardSource } from './board-source.js';
import type { OpsMetrics } from './metrics.js';
import type { CommentFilter } from '../../adapters/redis/reader/sla-reader.js';
import { contentKey, type BoardSnapshot } from './snapshot.js';

interface Client {
  res: ServerResponse;
  address: string;
  filter: CommentFilter;
  key: string;
  /** contentKey of the last snapshot sent: nothing is sent while it stays the same. */
  lastContent?: string;
  /** Running while a write has filled the socket and 'drain' has not come yet. */
  drainTimer?: NodeJS.Timeout;
  gone: boolean;
}

export interface BoardHubOptions {
  intervalMs: number;
  logger: Logger;
  /** Live boards open at once, in all and from one remote address; past either, 503. */
  maxClients: number;
  maxClientsPerAddress: number;
  /** Unsent bytes a client may hold in this process before it is dropped. */
  maxBufferBytes: number;
  /** How long a client's socket may stay full after a write before it is dropped. */
  drainTimeoutMs: number;
  metrics?: OpsMetrics;
}

const HEARTBEAT_MS = 15_000;
const ALERT_FLUSH_MS = 250;
const MAX_ALERTS_PER_PUSH = 20;
/** What a refused browser is told to wait before its EventSource tries again. */
const RETRY_AFTER_S = 30;

/**
 * Server-sent events to the open boards. Every `intervalMs` it reads one snapshot per distinct filter
 * and sends it only to the browsers whose view changed; new alerts go out in small batches four times
 * a second. A slow read never piles up: a tick is skipped while the previous one runs. Connections are
 * capped (in all and per address), and a reader that stops reading is dropped rather than buffered
 * without end.
 */
export class BoardHub {
  private readonly clients = new Set<Client>();
  private readonly perAddress = new Map<string, number>();
  private pendingAlerts: AlertView[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private ticking = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly source: Pick<BoardSource, 'snapshot'>,
    private readonly feed: Pick<AlertFeed, 'subscribe' | 'recent'>,
    private readonly options: BoardHubOptions,
  ) {
    this.unsubscribe = feed.subscribe((alert) => this.pendingAlerts.push(alert));
    this.timers.push(setInterval(() => void this.tick(), options.intervalMs));
    this.timers.push(setInterval(() => this.flushAlerts(), ALERT_FLUSH_MS));
    this.timers.push(setInterval(() => this.heartbeat(), HEARTBEAT_MS));
  }

  get size(): number {
    return this.clients.size;
  }

  /** Which cap a new client from `address` would exceed, if any. */
  private overCap(address: string): 'total' | 'per_address' | undefined {
    if (this.clients.size >= this.options.maxClients) return 'total';
    if ((this.perAddress.get(address) ?? 0) >= this.options.maxClientsPerAddress) return 'per_address';
    return undefined;
  }

  async add(req: IncomingMessage, res: ServerResponse, filter: CommentFilter): Promise<void> {
    const address = req.socket.remoteAddress ?? 'unknown';
    const cap = this.overCap(address);
    if (cap) {
      this.options.metrics?.boardClientsRejected.inc({ cap });
      res.writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'retry-after': String(RETRY_AFTER_S),
      });
      res.end(
        JSON.stringify({
          error:
            cap === 'total'
              ? 'too many live boards are open; try again later'
              : 'too many live boards are open from this address; close some tabs',
          code: 'OPS_TOO_MANY_CLIENTS',
        }),
      );
      return;
    }
    const client: Client = { res, address, filter, key: filterKey(filter), gone: false };
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.clients.add(client);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    res.on('close', () => this.remove(client));
    this.write(client, 'retry: 3000\n\n');
    this.send(client, 'alerts', this.feed.recent(filter));
    try {
      const snapshot = await this.source.snapshot(filter);
      this.push(client, snapshot);
    } catch (e) {
      this.send(client, 'problem', { message: 'Нет связи с Redis' });
      this.options.logger.warn({ err: (e as Error).message }, 'board snapshot failed');
    }
  }

  private remove(client: Client): void {
    if (client.gone) return;
    client.gone = true;
    clearTimeout(client.drainTimer);
    this.clients.delete(client);
    const left = (this.perAddress.get(client.address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(client.address, left);
    else this.perAddress.delete(client.address);
  }

  private drop(client: Client, reason: 'buffer' | 'drain_timeout'): void {
    if (client.gone) return;
    this.options.metrics?.boardClientsDropped.inc({ reason });
    this.options.logger.info(
      { reason, buffered: client.res.writableLength },
      'dropped a live board that stopped reading',
    );
    this.remove(client);
    client.res.destroy();
  }

  /**
   * Writes to one client. Node buffers whatever the socket does not take; past `maxBufferBytes`, or when
   * the socket has not drained within `drainTimeoutMs`, the client is dropped (its EventSource
   * reconnects if it is alive and gets a fresh snapshot).
   */
  private write(client: Client, chunk: string): void {
    if (client.gone) return;
    const flushed = client.res.write(chunk);
    if (client.res.writableLength > this.options.maxBufferBytes) return this.drop(client, 'buffer');
    if (flushed || client.drainTimer) return;
    client.drainTimer = setTimeout(() => this.drop(client, 'drain_timeout'), this.options.drainTimeoutMs);
    client.res.once('drain', () => {
      clearTimeout(client.drainTimer);
      client.drainTimer = undefined;
    });
  }

  private send(client: Client, event: string, data: unknown): void {
    this.write(client, `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private push(client: Client, snapshot: BoardSnapshot, content = contentKey(snapshot)): void {
    if (client.lastContent === content) return;
    client.lastContent = content;
    this.send(client, 'snapshot', snapshot);
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.clients.size === 0) return;
    this.ticking = true;
    try {
      // One read per distinct filter; filters are known codes only (filter.ts), so the groups are few.
      const groups = new Map<string, Client[]>();
      for (const c of this.clients) groups.set(c.key, [...(groups.get(c.key) ?? []), c]);
      for (const group of groups.values()) {
        const first = group[0] as Client;
        try {
          const snapshot = await this.source.snapshot(first.filter);
          const content = contentKey(snapshot);
          for (const c of group) this.push(c, snapshot, content);
        } catch (e) {
          for (const c of group) this.send(c, 'problem', { message: 'Нет связи с Redis' });
          this.options.logger.warn({ err: (e as Error).message }, 'board snapshot failed');
        }
      }
    } finally {
      this.ticking = false;
    }
  }

  private flushAlerts(): void {
    if (this.pendingAlerts.length === 0) return;
    const batch = this.pendingAlerts.sort((a, b) => b.fired_at - a.fired_at);
    this.pendingAlerts = [];
    for (const c of this.clients) {
      const mine = batch.filter((a) => alertMatches(c.filter, a)).slice(0, MAX_ALERTS_PER_PUSH);
      if (mine.length) this.send(c, 'alert', mine);
    }
  }

  private heartbeat(): void {
    for (const c of this.clients) this.write(c, ': ping\n\n');
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    this.unsubscribe();
    for (const c of this.clients) {
      clearTimeout(c.drainTimer);
      c.res.end();
    }
    this.clients.clear();
    this.perAddress.clear();
  }
}
