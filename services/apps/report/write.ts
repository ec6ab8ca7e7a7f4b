/** Writes report.html, report.xlsx and report.pdf for a period (and a region) into a folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { reportHtml } from './html.js';
import { writeReportPdf } from './pdf.js';
import { reportData, type ReportPeriod } from './queries.js';
import { writeReportXlsx } from './xlsx.js';

export interface WrittenReport {
  html: string;
  xlsx: string;
  pdf: string;
  regions: number;
  /** Milliseconds spent on the queries, the files, and the PDF. */
  timings: { queries_ms: number; html_xlsx_ms: number; pdf_ms: number };
}

export async function writeReport(
  connection: DuckDBConnection,
  options: { period: ReportPeriod; region?: string; outDir: string; chromium: string },
): Promise<WrittenReport> {
  mkdirSync(options.outDir, { recursive: true });
  const t0 = performance.now();
  const data = await reportData(connection, options.period, options.region);
  const t1 = performance.now();
  const html = reportHtml(data);
  const paths = {
    html: join(options.outDir, 'report.html'),
    xlsx: join(options.outDir, 'report.xlsx'),
    pdf: join(options.outDir, 'report.pdf'),
  };
  writeFileSync(paths.html, html);
  await writeReportXlsx(data, paths.xlsx);
  const t2 = performance.now();
  await writeReportPdf(html, paths.pdf, options.chromium);
  const t3 = performance.now();
  return {
    ...paths,
    regions: data.sections.length,
    timings: { queries_ms: t1 - t0, html_xlsx_ms: t2 - t1, pdf_ms: t3 - t2 },
  };
}
