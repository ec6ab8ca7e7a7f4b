import { basename, extname } from 'node:path';
import { parseCsv } from './csv.js';
import { InputError, toCommentTemplate, type CommentTemplate } from './comment-input.js';

export type InputFormat = 'jsonl' | 'csv';

export interface ParsedInput {
  templates: CommentTemplate[];
  /** Rows that could not be turned into events, with line numbers. */
  problems: InputError[];
}

/** The file's format from `--input-format` or its extension (.csv, else JSON lines). */
export function formatOf(path: string, explicit?: string): InputFormat {
  if (explicit === 'csv' || explicit === 'jsonl') return explicit;
  return extname(path).toLowerCase() === '.csv' ? 'csv' : 'jsonl';
}

/** Default comment id prefix: the file name without its extension ("comments.jsonl" -> "comments"). */
export function idPrefixOf(path: string): string {
  return basename(path, extname(path)) || 'comment';
}

/** Parses a whole file's text; blank lines and JSONL lines starting with # or // are skipped. */
export function parseComments(text: string, format: InputFormat, idPrefix: string): ParsedInput {
  const templates: CommentTemplate[] = [];
  const problems: InputError[] = [];
  const rows: { line: number; raw: unknown }[] = [];
  if (format === 'csv') {
    try {
      for (const row of parseCsv(text)) rows.push({ line: row.line, raw: row.cells });
    } catch (e) {
      const line = (e as { line?: number }).line ?? 0;
      return { templates, problems: [new InputError(line, (e as Error).message.replace(/^line \d+: /, ''))] };
    }
  } else {
    text.split(/\r?\n/).forEach((content, i) => {
      const trimmed = content.trim();
      if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('//')) return;
      try {
        rows.push({ line: i + 1, raw: JSON.parse(trimmed) });
      } catch (e) {
        problems.push(new InputError(i + 1, `not JSON: ${(e as Error).message}`));
      }
    });
  }
  for (const { line, raw } of rows) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push(new InputError(line, 'a row must be a JSON object'));
      continue;
    }
    try {
      templates.push(toCommentTemplate(raw as Record<string, unknown>, line, idPrefix));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(e);
    }
  }
  return { templates, problems };
}
