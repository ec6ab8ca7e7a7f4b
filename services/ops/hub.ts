import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { alertMatches, type AlertFeed, type AlertView } from './alert-feed.js';
import { filterKey, type BoardSource } from './board-source.js';
import type { BoardFilter } from './redis/board-scan.js';
import { contentKey, type BoardSnapshot } from './snapshot.js';

interface Client {
  res: ServerResponse;
  filter: BoardFilter;
  key: string;
  /** contentKey of the last snapshot sent: nothing is sent while it stays the same. */
  lastContent?: string;
}

const HEARTBEAT_MS = 15_000;
const ALERT_FLUSH_MS = 250;
const MAX_ALERTS_PER_PUSH = 20;

function send(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * Server-sent events to the open boards. Every `intervalMs` it reads one snapshot per distinct filter
 * and sends it only to the browsers whose view changed; new alerts go out in small batches four times
 * a second. A slow read never piles up: a tick is skipped while the previous one runs.
 */
export class BoardHub {
  private readonly clients = new Set<Client>();
  private pendingAlerts: AlertView[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private ticking = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly source: BoardSource,
    private readonly feed: AlertFeed,
    private readonly options: { intervalMs: number; logger: Logger },
  ) {
    this.unsubscribe = feed.subscribe((alert) => this.pendingAlerts.push(alert));
    this.timers.push(setInterval(() => void this.tick(), options.intervalMs));
    this.timers.push(setInterval(() => this.flushAlerts(), ALERT_FLUSH_MS));
    this.timers.push(setInterval(() => this.heartbeat(), HEARTBEAT_MS));
  }

  get size(): number {
    return this.clients.size;
  }

  async add(res: ServerResponse, filter: BoardFilter): Promise<void> {
    const client: Client = { res, filter, key: filterKey(filter) };
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    send(res, 'alerts', this.feed.recent(filter));
    try {
      const snapshot = await this.source.snapshot(filter);
      this.push(client, snapshot);
    } catch (e) {
      send(res, 'problem', { message: 'Нет связи с Redis' });
      this.options.logger.warn({ err: (e as Error).message }, 'board snapshot failed');
    }
  }

  private push(client: Client, snapshot: BoardSnapshot, content = contentKey(snapshot)): void {
    if (client.lastContent === content) return;
    client.lastContent = content;
    send(client.res, 'snapshot', snapshot);
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.clients.size === 0) return;
    this.ticking = true;
    try {
      const groups = new Map<string, Client[]>();
      for (const c of this.clients) groups.set(c.key, [...(groups.get(c.key) ?? []), c]);
      for (const group of groups.values()) {
        const first = group[0] as Client;
        try {
          const snapshot = await this.source.snapshot(first.filter);
          const content = contentKey(snapshot);
          for (const c of group) this.push(c, snapshot, content);
        } catch (e) {
          for (const c of group) send(c.res, 'problem', { message: 'Нет связи с Redis' });
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
      if (mine.length) send(c.res, 'alert', mine);
    }
  }

  private heartbeat(): void {
    for (const c of this.clients) c.res.write(': ping\n\n');
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    this.unsubscribe();
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}
