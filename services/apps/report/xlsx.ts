/** The tables behind every chart and table of the report, one sheet per query, as exceljs writes them. */
import ExcelJS from 'exceljs';
import type { RegionSection, ReportData } from './queries.js';

type TableName = Exclude<keyof RegionSection, 'region' | 'volume' | 'reply'>;

const SHEETS: { name: string; rows: (s: RegionSection) => Record<string, unknown>[] }[] = [
  { name: 'Показатели', rows: (s) => [{ ...s.volume, ...s.reply }] },
  ...(
    [
      ['По дням', 'daily'],
      ['Время ответа', 'reply_distribution'],
      ['Страницы', 'pages'],
      ['Проблемы', 'top_problems'],
      ['Повторные', 'repeats'],
      ['Очередь', 'backlog'],
      ['Решения', 'decisions'],
    ] as [string, TableName][]
  ).map(([name, key]) => ({ name, rows: (s: RegionSection) => s[key] })),
];

function cellValue(value: unknown): ExcelJS.CellValue {
  if (Array.isArray(value)) return value.join(', ');
  if (value === undefined) return null;
  return value as ExcelJS.CellValue;
}

export function reportWorkbook(data: ReportData, extra: typeof SHEETS = []): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Otklik';
  for (const sheet of [...SHEETS, ...extra]) {
    const rows: Record<string, unknown>[] = data.sections.flatMap((s) =>
      sheet.rows(s).map((row) => ({ region: s.region, ...row })),
    );
    const ws = workbook.addWorksheet(sheet.name);
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    ws.columns = columns.map((c) => ({ header: c, key: c, width: Math.max(12, c.length + 2) }));
    ws.getRow(1).font = { bold: true };
    for (const row of rows) ws.addRow(Object.fromEntries(columns.map((c) => [c, cellValue(row[c])])));
  }
  return workbook;
}

export async function writeReportXlsx(
  data: ReportData,
  path: string,
  extra: typeof SHEETS = [],
): Promise<void> {
  await reportWorkbook(data, extra).xlsx.writeFile(path);
}
export type ExtraSheet = (typeof SHEETS)[number];
