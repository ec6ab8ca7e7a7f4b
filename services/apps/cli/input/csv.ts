/** One data row of a CSV file: its cells by header name, and the 1-based line where the row starts. */
export interface CsvRow {
  line: number;
  cells: Record<string, string>;
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

/** Splits RFC 4180 text into records of fields: quoted fields may hold commas, doubled quotes and newlines. */
function records(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a BOM, as spreadsheet exports write it
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (quoted) throw new CsvError(recordLine, 'a quoted field is not closed');
  if (field !== '' || fields.length > 0) endRecord();
  return out;
}

/** Parses CSV with a header row; every data row must have as many cells as the header. */
export function parseCsv(text: string): CsvRow[] {
  const [header, ...rows] = records(text);
  if (!header) return [];
  const names = header.fields.map((name) => name.trim());
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new CsvError(header.line, `column "${duplicate}" appears twice`);
  return rows.map(({ line, fields }) => {
    if (fields.length !== names.length) {
      throw new CsvError(line, `${fields.length} cells, but the header has ${names.length} columns`);
    }
    return { line, cells: Object.fromEntries(names.map((name, i) => [name, fields[i] as string])) };
  });
}
