/**
 * The report's queries: each one SQL text over the measures' views, run per region for the period
 * [from_ms, to_ms). The page marks every number with the query, row and column it came from, so a test
 * can run the same SQL and compare.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export interface ReportPeriod {
  fromMs: number;
  toMs: number;
}

export interface ReportQuery {
  sql: string;
  /** Columns that tell the rows apart (empty: one row). */
  key: readonly string[];
}

const IN_PERIOD = 'posted_at_ms >= $from_ms AND posted_at_ms < $to_ms';

export const REPORT_QUERIES = {
  regions: {
    key: ['region'],
    sql: `SELECT region, count(*) AS comments FROM comments
      WHERE NOT deleted AND ${IN_PERIOD} GROUP BY region ORDER BY comments DESC, region`,
  },
  volume: {
    key: [],
    sql: `SELECT count(*) AS comments,
        count(*) FILTER (WHERE type = 'complaint') AS complaints,
        avg(CASE WHEN type = 'complaint' THEN 1 ELSE 0 END) AS complaint_share,
        avg(CASE WHEN type = 'question' THEN 1 ELSE 0 END) AS question_share,
        avg(CASE WHEN type = 'suggestion' THEN 1 ELSE 0 END) AS suggestion_share,
        avg(CASE WHEN toxic THEN 1 ELSE 0 END) AS toxic_share,
        avg(CASE WHEN spam THEN 1 ELSE 0 END) AS spam_share
      FROM comments WHERE NOT deleted AND region = $region AND ${IN_PERIOD}`,
  },
  reply: {
    key: [],
    sql: `SELECT count(*) AS needing_reply, count(reply_at_ms) AS answered,
        median(reply_minutes) AS median_minutes, quantile_cont(reply_minutes, 0.9) AS p90_minutes,
        avg(CASE WHEN reply_at_ms IS NOT NULL AND sla_due_at_ms IS NOT NULL AND reply_at_ms <= sla_due_at_ms
          THEN 1 ELSE 0 END) AS within_target_share,
        avg(CASE WHEN reply_minutes IS NOT NULL AND reply_minutes <= 240 THEN 1 ELSE 0 END) AS within_4h_share
      FROM reply_times WHERE region = $region AND ${IN_PERIOD}`,
  },
  reply_distribution: {
    key: ['bucket'],
    sql: `WITH buckets(bucket, label, upto) AS (VALUES
          (1, 'до 1 ч', 60), (2, '1–2 ч', 120), (3, '2–4 ч', 240), (4, '4–8 ч', 480),
          (5, '8–24 ч', 1440), (6, 'более суток', NULL), (7, 'нет ответа', NULL)),
        bucketed AS (
          SELECT CASE WHEN reply_minutes IS NULL THEN 7 WHEN reply_minutes <= 60 THEN 1
            WHEN reply_minutes <= 120 THEN 2 WHEN reply_minutes <= 240 THEN 3
            WHEN reply_minutes <= 480 THEN 4 WHEN reply_minutes <= 1440 THEN 5 ELSE 6 END AS bucket
          FROM reply_times WHERE region = $region AND ${IN_PERIOD})
      SELECT b.bucket, b.label, count(x.bucket) AS comments
      FROM buckets b LEFT JOIN bucketed x USING (bucket) GROUP BY b.bucket, b.label ORDER BY b.bucket`,
  },
  daily: {
    key: ['day'],
    sql: `SELECT strftime(CAST(posted_at AS DATE), '%Y-%m-%d') AS day, count(*) AS comments,
        count(*) FILTER (WHERE type = 'complaint') AS complaints
      FROM comments WHERE NOT deleted AND region = $region AND ${IN_PERIOD} GROUP BY day ORDER BY day`,
  },
  pages: {
    key: ['page_id'],
    sql: `SELECT page_id, count(*) AS needing_reply, count(reply_at_ms) AS answered,
        median(reply_minutes) AS median_minutes, quantile_cont(reply_minutes, 0.9) AS p90_minutes,
        avg(CASE WHEN reply_minutes IS NOT NULL AND reply_minutes <= 240 THEN 1 ELSE 0 END) AS within_4h_share
      FROM reply_times WHERE region = $region AND ${IN_PERIOD}
      GROUP BY page_id ORDER BY needing_reply DESC, page_id LIMIT 10`,
  },
  top_problems: {
    key: ['municipality', 'category', 'theme'],
    sql: `SELECT coalesce(municipality, '') AS municipality, category, theme, complaints, previous, change,
        p_value, trend, [e.key FOR e IN examples] AS example_keys, [e.url FOR e IN examples] AS example_urls
      FROM top_problems($from_ms, $to_ms)
      WHERE region = $region AND (complaints > 0 OR trend <> 'flat')
      ORDER BY complaints DESC, change DESC, municipality, category, theme LIMIT 10`,
  },
  repeats: {
    key: ['municipality', 'category', 'theme'],
    sql: `SELECT coalesce(municipality, '') AS municipality, category, theme, complaints, repeats, repeat_share
      FROM measure_repeats($from_ms, $to_ms) WHERE region = $region AND repeats > 0
      ORDER BY repeats DESC, municipality, category, theme LIMIT 10`,
  },
  backlog: {
    key: ['bucket'],
    sql: `WITH open AS (
          SELECT comment_key, $to_ms - posted_at_ms AS age_ms FROM reply_times
          WHERE region = $region AND ${IN_PERIOD} AND (reply_at_ms IS NULL OR reply_at_ms >= $to_ms)),
        buckets(bucket, label) AS (VALUES (1, 'до 4 ч'), (2, '4–24 ч'), (3, '1–7 дней'), (4, 'более 7 дней')),
        bucketed AS (
          SELECT CASE WHEN age_ms < 4 * 3600000 THEN 1 WHEN age_ms < 86400000 THEN 2
            WHEN age_ms < 7 * 86400000 THEN 3 ELSE 4 END AS bucket,
            comment_key IN (SELECT comment_key FROM alerts WHERE kind = 'BREACH' AND fired_at_ms < $to_ms)
              AS breached
          FROM open)
      SELECT b.bucket, b.label, count(x.bucket) AS unanswered, count(*) FILTER (WHERE x.breached) AS breached
      FROM buckets b LEFT JOIN bucketed x USING (bucket) GROUP BY b.bucket, b.label ORDER BY b.bucket`,
  },
  decisions: {
    key: ['decision_id'],
    sql: `SELECT decision_id, title, strftime(to_timestamp(decided_at_ms / 1000), '%d.%m.%Y') AS day,
        coalesce(municipality, '') AS municipality, category, array_to_string(theme_stems, ' ') AS theme,
        window_days, before, after, rate_before, rate_after, rate_change, change_low, change_high, effect
      FROM measure_decision_effect WHERE region = $region AND decided_at_ms < $to_ms
      ORDER BY decided_at_ms DESC, decision_id LIMIT 20`,
  },
} as const satisfies Record<string, ReportQuery>;

export type ReportQueryName = keyof typeof REPORT_QUERIES;
export type Row = Record<string, unknown>;

/** Runs one of the report's queries; numbers come back as JS numbers, lists as arrays. */
export async function runReportQuery(
  connection: DuckDBConnection,
  name: ReportQueryName,
  period: ReportPeriod,
  region?: string,
): Promise<Row[]> {
  const sql = REPORT_QUERIES[name].sql;
  // DuckDB refuses a named value the SQL does not use: pass only those it names.
  const all: Record<string, string | bigint> = {
    from_ms: BigInt(period.fromMs),
    to_ms: BigInt(period.toMs),
    region: region ?? '',
  };
  const values = Object.fromEntries(Object.entries(all).filter(([name]) => sql.includes(`$${name}`)));
  const reader = await connection.runAndReadAll(sql, values);
  return reader
    .getRowObjectsJS()
    .map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
    );
}

export interface RegionSection {
  region: string;
  volume: Row;
  reply: Row;
  reply_distribution: Row[];
  daily: Row[];
  pages: Row[];
  top_problems: Row[];
  repeats: Row[];
  backlog: Row[];
  decisions: Row[];
}

export interface ReportData {
  period: ReportPeriod;
  generatedAtMs: number;
  sections: RegionSection[];
}

/** Everything the report shows, for one region or for every region with comments in the period. */
export async function reportData(
  connection: DuckDBConnection,
  period: ReportPeriod,
  onlyRegion?: string,
): Promise<ReportData> {
  const regions =
    onlyRegion === undefined
      ? (await runReportQuery(connection, 'regions', period)).map((r) => String(r.region))
      : [onlyRegion];
  const sections: RegionSection[] = [];
  for (const region of regions) {
    const q = (name: ReportQueryName) => runReportQuery(connection, name, period, region);
    sections.push({
      region,
      volume: (await q('volume'))[0] ?? {},
      reply: (await q('reply'))[0] ?? {},
      reply_distribution: await q('reply_distribution'),
      daily: await q('daily'),
      pages: await q('pages'),
      top_problems: await q('top_problems'),
      repeats: await q('repeats'),
      backlog: await q('backlog'),
      decisions: await q('decisions'),
    });
  }
  return { period, generatedAtMs: Date.now(), sections };
}
