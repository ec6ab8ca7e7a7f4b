import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import type { Decision } from '../../core/analytics/decision.js';
import type { AlertRow, AnalyticsChunk, EventRow, RejectedRow } from '../../core/analytics/rows.js';
import { unseenPart } from '../../core/analytics/unseen.js';
import { COMMENT_LATEST_TABLE, latestKeyOf, rebuildLatest, upsertLatestFrom } from './comment-latest.js';

const MEASURES_DIR = join(import.meta.dirname, 'measures');

/**
 * `events` is the log of every comment event read, in the order read; it has no key: an event is
 * written once because the rows of a partition at or below the offset the store holds are skipped
 * (`unseen`), and that offset commits with them. The other tables have a natural key (alert_id,
 * decision_id, the record's place, comment_key), written with `INSERT OR REPLACE` or a merge, so
 * writing them again changes nothing. `consumed` holds the next offset of every partition read.
 */
const EVENTS_COLUMNS = `
  event_id VARCHAR NOT NULL, comment_key VARCHAR NOT NULL, op VARCHAR NOT NULL, platform VARCHAR NOT NULL,
  comment_id VARCHAR NOT NULL, thread_id VARCHAR NOT NULL, parent_key VARCHAR, page_id VARCHAR NOT NULL,
  region VARCHAR NOT NULL, municipality VARCHAR, author_kind VARCHAR NOT NULL, posted_at_ms BIGINT NOT NULL,
  category VARCHAR NOT NULL, type VARCHAR NOT NULL, priority VARCHAR NOT NULL, toxic BOOLEAN NOT NULL,
  spam BOOLEAN NOT NULL, actionable BOOLEAN NOT NULL, sla_due_at_ms BIGINT, classified_at_ms BIGINT NOT NULL,
  text_chars INTEGER NOT NULL, theme VARCHAR, url VARCHAR`;

const TABLES = `
CREATE TABLE IF NOT EXISTS events (${EVENTS_COLUMNS});
-- Added after the first release: a file made before gets them (at the end, where the appender writes).
-- (A file older still, whose events have a primary key, is rebuilt without it by migrate().)
ALTER TABLE events ADD COLUMN IF NOT EXISTS theme VARCHAR;
ALTER TABLE events ADD COLUMN IF NOT EXISTS url VARCHAR;
CREATE TABLE IF NOT EXISTS alerts (
  alert_id VARCHAR PRIMARY KEY, comment_key VARCHAR NOT NULL, kind VARCHAR NOT NULL, level INTEGER NOT NULL,
  region VARCHAR NOT NULL, municipality VARCHAR, page_id VARCHAR NOT NULL, category VARCHAR NOT NULL,
  priority VARCHAR NOT NULL, fired_at_ms BIGINT NOT NULL, overdue_ms BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
  decision_id VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, decided_at_ms BIGINT NOT NULL,
  region VARCHAR NOT NULL, municipality VARCHAR, category VARCHAR NOT NULL, theme_stems VARCHAR[] NOT NULL,
  incident_id VARCHAR, recorded_at_ms BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS rejected (
  topic VARCHAR NOT NULL, "partition" INTEGER NOT NULL, "offset" VARCHAR NOT NULL, reason VARCHAR NOT NULL,
  PRIMARY KEY (topic, "partition", "offset")
);
CREATE TABLE IF NOT EXISTS consumed (
  topic VARCHAR NOT NULL, "partition" INTEGER NOT NULL, next_offset BIGINT NOT NULL,
  PRIMARY KEY (topic, "partition")
);
CREATE TEMP TABLE IF NOT EXISTS staged_events AS SELECT * FROM events LIMIT 0;
CREATE TEMP TABLE IF NOT EXISTS staged_alerts AS SELECT * FROM alerts LIMIT 0;
`;

function appendNullable(appender: DuckDBAppender, value: string | null): void {
  if (value === null) appender.appendNull();
  else appender.appendVarchar(value);
}

function appendEvent(a: DuckDBAppender, r: EventRow): void {
  a.appendVarchar(r.event_id);
  a.appendVarchar(r.comment_key);
  a.appendVarchar(r.op);
  a.appendVarchar(r.platform);
  a.appendVarchar(r.comment_id);
  a.appendVarchar(r.thread_id);
  appendNullable(a, r.parent_key);
  a.appendVarchar(r.page_id);
  a.appendVarchar(r.region);
  appendNullable(a, r.municipality);
  a.appendVarchar(r.author_kind);
  a.appendBigInt(BigInt(r.posted_at_ms));
  a.appendVarchar(r.category);
  a.appendVarchar(r.type);
  a.appendVarchar(r.priority);
  a.appendBoolean(r.toxic);
  a.appendBoolean(r.spam);
  a.appendBoolean(r.actionable);
  if (r.sla_due_at_ms === null) a.appendNull();
  else a.appendBigInt(BigInt(r.sla_due_at_ms));
  a.appendBigInt(BigInt(r.classified_at_ms));
  a.appendInteger(r.text_chars);
  appendNullable(a, r.theme);
  appendNullable(a, r.url);
  a.endRow();
}

function appendAlert(a: DuckDBAppender, r: AlertRow): void {
  a.appendVarchar(r.alert_id);
  a.appendVarchar(r.comment_key);
  a.appendVarchar(r.kind);
  a.appendInteger(r.level);
  a.appendVarchar(r.region);
  appendNullable(a, r.municipality);
  a.appendVarchar(r.page_id);
  a.appendVarchar(r.category);
  a.appendVarchar(r.priority);
  a.appendBigInt(BigInt(r.fired_at_ms));
  a.appendBigInt(BigInt(r.overdue_ms));
  a.endRow();
}

async function insertDecision(c: DuckDBConnection, d: Decision): Promise<void> {
  const values: DuckDBValue[] = [
    d.decision_id,
    d.title,
    BigInt(d.decided_at_ms),
    d.region,
    d.municipality,
    d.category,
    listValue(d.theme_stems),
    d.incident_id,
    BigInt(d.recorded_at_ms),
  ];
  await c.run(
    'INSERT OR REPLACE INTO decisions VALUES ($1, $2, $3, $4, $5, $6, $7::VARCHAR[], $8, $9)',
    values,
  );
}

const UPSERT_LATEST = upsertLatestFrom('staged_events');
const UPSERT_LATEST_ONE_EVENT_A_KEY = upsertLatestFrom('staged_events', { oneEventAKey: true });

/** Whether no two of the chunks' events merge into the same `comment_latest` row. */
function oneEventAKey(chunks: readonly AnalyticsChunk[]): boolean {
  const keys = new Set<string>();
  for (const chunk of chunks)
    for (const row of chunk.events) {
      const key = latestKeyOf(row);
      if (keys.has(key)) return false;
      keys.add(key);
    }
  return true;
}

/** The write-ahead log size (MB) at which a commit checkpoints, unless told (OTKLIK_ANALYTICS_CHECKPOINT_MB). */
export const DEFAULT_CHECKPOINT_MB = 256;

const partitionKey = (p: { topic: string; partition: number }) => `${p.topic}\u0000${p.partition}`;

/** A SQL string literal (topic names are the operator's: quoted, never trusted). */
function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

async function storedNextOffsets(c: DuckDBConnection): Promise<Map<string, string>> {
  const result = await c.runAndReadAll('SELECT topic, "partition", next_offset FROM consumed');
  return new Map(
    result
      .getRowObjects()
      .map((r) => [
        partitionKey({ topic: String(r.topic), partition: Number(r.partition) }),
        String(r.next_offset),
      ]),
  );
}

async function count(c: DuckDBConnection, sql: string): Promise<number> {
  return Number((await c.runAndReadAll(sql)).getRowObjectsJS()[0]?.n ?? 0);
}

/**
 * Brings a file made by an earlier version up to date, once, in one transaction (docs/analytics.md,
 * "Migrating a file"): events keyed by event_id are copied into the unkeyed table (the key's index was
 * about half the file and a lookup per row written), and `comment_latest` is filled from the events.
 * A kill half-way leaves the file as it was; the next start does it again.
 */
async function migrate(c: DuckDBConnection): Promise<void> {
  const keyedEvents = await count(
    c,
    "SELECT count(*) AS n FROM duckdb_constraints() WHERE table_name = 'events' AND constraint_type = 'PRIMARY KEY'",
  );
  const latest = await count(
    c,
    "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'comment_latest' AND NOT temporary",
  );
  if (keyedEvents === 0 && latest > 0) return;
  await c.run('BEGIN TRANSACTION');
  try {
    if (keyedEvents > 0) {
      await c.run(`CREATE TABLE events_unkeyed (${EVENTS_COLUMNS})`);
      await c.run('INSERT INTO events_unkeyed SELECT * FROM events ORDER BY posted_at_ms');
      await c.run('DROP TABLE events');
      await c.run('ALTER TABLE events_unkeyed RENAME TO events');
    }
    if (latest === 0) {
      await c.run(COMMENT_LATEST_TABLE);
      await c.run(rebuildLatest());
    }
    await c.run('COMMIT');
  } catch (error) {
    await c.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * The analytics sink's store: an embedded DuckDB file. One writer (DuckDB locks the file), one
 * transaction per flushed group: rows and consumed offsets commit together or not at all.
 */
export class AnalyticsDb {
  /** Next offset stored per partition, as of the last commit (undefined: read it again). */
  private stored: Map<string, string> | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  /**
   * Opens (or creates) the file, its tables and the measures' views (`measures/*.sql`).
   *
   * `checkpointMb`: the write-ahead log size at which a commit folds it into the file. DuckDB's 16 MB
   * made the sink checkpoint every few groups, and each checkpoint writes `comment_latest`'s key index
   * again: with 256 MB a comment cost about half the CPU (docs/benchmarks.md, "Analytics ingest"). The
   * log is as durable as the file (a kill replays it at the next open), so exactness does not depend on
   * it; a larger log only makes that open slower.
   */
  static async open(
    path: string,
    { checkpointMb = DEFAULT_CHECKPOINT_MB, threads }: { checkpointMb?: number; threads?: number } = {},
  ): Promise<AnalyticsDb> {
    const instance = await DuckDBInstance.create(path, {
      checkpoint_threshold: `${checkpointMb}MB`,
      ...(threads === undefined ? {} : { threads: String(threads) }),
    });
    const connection = await instance.connect();
    await connection.run(TABLES);
    await migrate(connection);
    for (const file of readdirSync(MEASURES_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort()) {
      await connection.run(readFileSync(join(MEASURES_DIR, file), 'utf8'));
    }
    return new AnalyticsDb(instance, connection);
  }

  /** Another connection to the same file, for reading while the sink writes (DuckDB's MVCC). */
  connectReader(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** Next offset to read of each given partition, where this store has one. */
  async storedOffsets(
    assigned: readonly { topic: string; partitions: readonly number[] }[],
  ): Promise<{ topic: string; partition: number; offset: string }[]> {
    const result = await this.connection.runAndReadAll(
      'SELECT topic, "partition", next_offset FROM consumed',
    );
    const wanted = new Set(assigned.flatMap((a) => a.partitions.map((p) => `${a.topic}\u0000${p}`)));
    return result
      .getRowObjects()
      .filter((r) => wanted.has(`${String(r.topic)}\u0000${Number(r.partition)}`))
      .map((r) => ({
        topic: String(r.topic),
        partition: Number(r.partition),
        offset: String(r.next_offset),
      }));
  }

  /**
   * Writes the chunks' rows and offsets in one transaction, leaving out what the store already holds
   * (`unseenPart`): the events appended, `comment_latest` merged from them, the keyed rows replaced.
   */
  async write(chunks: readonly AnalyticsChunk[]): Promise<void> {
    const c = this.connection;
    await c.run('BEGIN TRANSACTION');
    try {
      // The one writer's own offsets: read once, then kept as each transaction commits.
      const stored = (this.stored ??= await storedNextOffsets(c));
      const fresh = chunks
        .map((chunk) => unseenPart(chunk, stored.get(partitionKey(chunk.next))))
        .filter((chunk) => chunk !== undefined);
      // What follows the appenders goes in one call with the COMMIT: round trips, not rows, were the
      // cost of a small group.
      const statements: string[] = [];
      if (fresh.some((chunk) => chunk.events.length > 0)) {
        const events = await c.createAppender('staged_events', 'main', 'temp');
        for (const chunk of fresh) for (const row of chunk.events) appendEvent(events, row);
        events.closeSync();
        statements.push(
          'INSERT INTO events SELECT * FROM staged_events',
          oneEventAKey(fresh) ? UPSERT_LATEST_ONE_EVENT_A_KEY : UPSERT_LATEST,
          'DELETE FROM staged_events',
        );
      }
      if (fresh.some((chunk) => chunk.alerts.length > 0)) {
        const alerts = await c.createAppender('staged_alerts', 'main', 'temp');
        for (const chunk of fresh) for (const row of chunk.alerts) appendAlert(alerts, row);
        alerts.closeSync();
        statements.push(
          'INSERT OR REPLACE INTO alerts SELECT * FROM staged_alerts',
          'DELETE FROM staged_alerts',
        );
      }
      for (const d of fresh.flatMap((chunk) => chunk.decisions)) await insertDecision(c, d);
      const rejected: RejectedRow[] = fresh.flatMap((chunk) => chunk.rejected);
      for (const r of rejected) {
        await c.run('INSERT OR REPLACE INTO rejected VALUES ($1, $2, $3, $4)', [
          r.topic,
          r.partition,
          r.offset,
          r.reason,
        ]);
      }
      if (fresh.length > 0) {
        const values = fresh.map(
          ({ next }) => `(${sqlString(next.topic)}, ${next.partition}, ${BigInt(next.offset)})`,
        );
        statements.push(`INSERT OR REPLACE INTO consumed VALUES ${values.join(', ')}`);
      }
      await c.run([...statements, 'COMMIT'].join(';\n'));
      for (const { next } of fresh) stored.set(partitionKey(next), next.offset);
    } catch (error) {
      this.stored = undefined;
      await c.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * Fills `comment_latest` again from every stored event (the benchmark writes its generated events
   * straight into `events`). Not needed by the sink, which keeps the table as it writes.
   */
  async rebuildLatest(): Promise<void> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      await this.connection.run('DELETE FROM comment_latest');
      await this.connection.run(rebuildLatest());
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Stores decisions directly (a stopped sink's file; a running sink stores them from the topic). */
  async writeDecisions(decisions: readonly Decision[]): Promise<void> {
    for (const d of decisions) await insertDecision(this.connection, d);
  }

  /**
   * Writes the tables as Parquet under `dir` for a cluster engine (Trino, Spark, ClickHouse): events and
   * alerts partitioned by day and region (Hive layout: events/day=2026-11-01/region=54/*.parquet), the
   * decisions as one file. Returns the rows written per table.
   */
  async exportParquet(dir: string): Promise<Record<string, number>> {
    const at = (name: string) => `'${join(dir, name).replace(/'/g, "''")}'`;
    const day = (column: string) => `strftime(to_timestamp(${column} / 1000), '%Y-%m-%d') AS day`;
    const copies: [string, string][] = [
      [
        'events',
        `COPY (SELECT *, ${day('posted_at_ms')} FROM events) TO ${at('events')} (FORMAT PARQUET, PARTITION_BY (day, region), OVERWRITE_OR_IGNORE)`,
      ],
      [
        'alerts',
        `COPY (SELECT *, ${day('fired_at_ms')} FROM alerts) TO ${at('alerts')} (FORMAT PARQUET, PARTITION_BY (day, region), OVERWRITE_OR_IGNORE)`,
      ],
      ['decisions', `COPY decisions TO ${at('decisions.parquet')} (FORMAT PARQUET)`],
    ];
    const written: Record<string, number> = {};
    for (const [table, sql] of copies) {
      const count = await this.connection.runAndReadAll(`SELECT count(*) AS n FROM ${table}`);
      written[table] = Number(count.getRowObjectsJS()[0]?.n ?? 0);
      // An empty table would leave no folder at all; the files say what there is.
      if (written[table] > 0 || table === 'decisions') await this.connection.run(sql);
    }
    return written;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
