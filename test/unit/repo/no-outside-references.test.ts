/**
 * The repository must be readable on its own: a user who clones it cannot follow a reference to a file
 * on the machine it was written on. Scans every file of the working tree that git knows or would add
 * (tracked, plus untracked ones not ignored), and every markdown link of every markdown file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SELF = relative(ROOT, fileURLToPath(import.meta.url))
  .split(sep)
  .join('/');

/** Repository-relative paths with forward slashes, as git prints them. */
function repoFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // A tracked file deleted in the working tree is not there to read or link to.
  return [...new Set(listed.split('\0').filter((f) => f && existsSync(join(ROOT, f))))].sort();
}

const FILES = repoFiles();
const FILE_SET = new Set(FILES);
const DIRS = new Set(
  FILES.flatMap((f) =>
    f
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  ),
);

function textOf(file: string): string | undefined {
  const bytes = readFileSync(join(ROOT, file));
  // Binary files (images) hold no references.
  if (bytes.subarray(0, 8000).includes(0)) return undefined;
  return bytes.toString('utf8');
}

const TEXTS = new Map(
  FILES.filter((f) => f !== SELF)
    .map((f) => [f, textOf(f)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined),
);

interface Rule {
  name: string;
  pattern: RegExp;
  /** Where a match is fine after all. */
  allowedIn?: (file: string) => boolean;
}

const RULES: Rule[] = [
  { name: 'a path into a sibling folder of the checkout', pattern: /\.\.\/shared\b/g },
  // The first design brief was a DESIGN.md beside the repository; the design is docs/design.md now.
  { name: 'the design brief outside the repository (use docs/design.md)', pattern: /DESIGN\.md/g },
  {
    name: 'design.md without its folder (write docs/design.md)',
    pattern: /(?<![\w/.-])design\.md\b/g,
    // Inside docs/ a bare design.md is a link relative to docs/ itself.
    allowedIn: (file) => file.startsWith('docs/'),
  },
  {
    name: 'an absolute path on a development machine',
    pattern: /(?<![\w.~:/-])\/(?:work|home|Users|root|mnt|srv)\/[\w.-]/g,
  },
];

/**
 * References to outside files that are known and left for their owners to remove, each with why. The
 * test fails when one of them no longer occurs, so a fixed one is also dropped from this list.
 */
const KNOWN_EXCEPTIONS: { file: string; text: string; why: string }[] = [];

interface Finding {
  file: string;
  line: number;
  text: string;
  why: string;
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

function outsideReferences(): Finding[] {
  const findings: Finding[] = [];
  for (const [file, text] of TEXTS) {
    for (const rule of RULES) {
      if (rule.allowedIn?.(file)) continue;
      for (const match of text.matchAll(rule.pattern)) {
        const at = match.index;
        const lineStart = text.lastIndexOf('\n', at) + 1;
        const lineEnd = text.indexOf('\n', at);
        const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
        if (KNOWN_EXCEPTIONS.some((e) => e.file === file && line.includes(e.text))) continue;
        findings.push({ file, line: lineOf(text, at), text: match[0], why: rule.name });
      }
    }
  }
  return findings;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocks(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Fenced code blocks blanked out (their lines kept, so line numbers stay right). */
function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ''));
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOfFile(file: string): Set<string> {
  let anchors = anchorCache.get(file);
  if (!anchors) anchorCache.set(file, (anchors = anchorsOf(readFileSync(join(ROOT, file), 'utf8'))));
  return anchors;
}

/** What is wrong with a link from `from` to `target` (a path, a path#anchor or #anchor), if anything. */
function problemOf(from: string, target: string): string | undefined {
  const [rawPath = '', anchor] = target.split('#', 2);
  const path = decodeURI(rawPath);
  const resolved =
    path === ''
      ? from
      : normalize(join(dirname(from), path))
          .split(sep)
          .join('/');
  if (resolved.startsWith('../') || resolved === '..') return 'points outside the repository';
  const isDir = DIRS.has(resolved.replace(/\/$/, ''));
  if (!FILE_SET.has(resolved) && !isDir) return `${resolved} is not in the repository`;
  if (anchor && resolved.endsWith('.md') && !isDir && !anchorsOfFile(resolved).has(anchor)) {
    return `${resolved} has no heading with the anchor #${anchor}`;
  }
  return undefined;
}

function markdownLinkProblems(): Finding[] {
  const findings: Finding[] = [];
  for (const [file, text] of TEXTS) {
    if (!file.endsWith('.md')) continue;
    // Code blocks and code spans show syntax, not links.
    const prose = withoutCodeBlocks(text).replace(/`[^`\n]*`/g, (span) => ' '.repeat(span.length));
    for (const match of prose.matchAll(/!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1] as string;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      const problem = problemOf(file, target);
      if (problem) findings.push({ file, line: lineOf(prose, match.index), text: target, why: problem });
    }
  }
  return findings;
}

/** `docs/<name>.md` and `docs/<name>.md#anchor` named in code, comments, schemas and config. */
function docMentionProblems(): Finding[] {
  const findings: Finding[] = [];
  for (const [file, text] of TEXTS) {
    for (const match of text.matchAll(/(?<![\w/.-])docs\/[\w.-]+\.md(?:#[\w-]+)?/g)) {
      const problem = problemOf('', match[0]);
      if (problem) findings.push({ file, line: lineOf(text, match.index), text: match[0], why: problem });
    }
  }
  return findings;
}

const report = (findings: Finding[]) => findings.map((f) => `${f.file}:${f.line}: ${f.text} (${f.why})`);

describe('the repository refers to nothing outside itself', () => {
  it('lists the files it scans', () => {
    expect(FILE_SET.has('README.md')).toBe(true);
    expect(FILE_SET.has('docs/design.md')).toBe(true);
    expect(TEXTS.size).toBeGreaterThan(100);
  });

  it('no file names a path outside the repository', () => {
    expect(report(outsideReferences())).toEqual([]);
  });

  it('every known exception still occurs, so a fixed one is dropped from the list', () => {
    const stale = KNOWN_EXCEPTIONS.filter((e) => !(TEXTS.get(e.file) ?? '').includes(e.text));
    expect(stale.map((e) => `${e.file}: ${e.text}`)).toEqual([]);
  });

  it('every relative markdown link points to a file of the repository, and its anchor to a heading', () => {
    expect(report(markdownLinkProblems())).toEqual([]);
  });

  it('every docs/*.md named anywhere exists, with the section it names', () => {
    expect(report(docMentionProblems())).toEqual([]);
  });

  it('the rules catch what they are for', () => {
    // The scanners on made-up text, so a rule that matches nothing cannot pass unnoticed.
    const sample = [
      'see ../shared/DESIGN.md',
      'data in /work/shared/data/dev',
      'per design.md, SLA semantics',
      'https://example.org/home/x is a URL, not a path',
    ].join('\n');
    const hits = RULES.flatMap((rule) => [...sample.matchAll(rule.pattern)].map((m) => m[0]));
    expect(hits).toEqual(['../shared', 'DESIGN.md', 'design.md', '/work/s']);
    expect(problemOf('docs/faults.md', 'design.md#guarantees')).toBeUndefined();
    expect(problemOf('docs/faults.md', 'design.md#no-such-section')).toMatch(/no heading/);
    expect(problemOf('README.md', 'docs/missing.md')).toMatch(/not in the repository/);
    expect(problemOf('README.md', '../shared/DESIGN.md')).toMatch(/outside the repository/);
    expect([...anchorsOf('## 3. Three brokers\n### Read API (`SlaReader`)\n## A\n## A')]).toEqual([
      '3-three-brokers',
      'read-api-slareader',
      'a',
      'a-1',
    ]);
  });
});
