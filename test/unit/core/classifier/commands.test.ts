import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binary, report } from '../../../../services/apps/classifier/evaluation/metrics.js';
import { entryArguments } from '../../../../services/runtime/launch.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
// These start a Node process with the TypeScript loader: seconds on a busy machine.

function run(
  script: string,
  args: string[],
  input = '',
): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [...entryArguments(script), ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('classify command', () => {
  it('answers every input line in order, with errors for bad lines and only JSON on stdout', () => {
    const input = [
      JSON.stringify({ id: 'a', text: 'Нет горячей воды', posted_at: Date.UTC(2025, 0, 10), region: '54' }),
      'not json',
      JSON.stringify({ id: 'c', body: 'no text field' }),
      JSON.stringify({ text: 'Спасибо за ремонт дороги!' }),
    ].join('\n');
    const r = run('services/apps/classifier/classify.ts', [], input + '\n');
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      id: 'a',
      category: 'housing_utilities',
      type: 'complaint',
      actionable: true,
    });
    expect(Object.keys(lines[0] ?? {})).toEqual(
      expect.arrayContaining(['category', 'type', 'priority', 'toxic', 'spam', 'actionable', 'confidence']),
    );
    expect(lines[1]).toMatchObject({ error: 'CLASSIFY_BAD_JSON', line: 2 });
    expect(lines[2]).toMatchObject({ id: 'c', error: 'CLASSIFY_BAD_INPUT', line: 3 });
    expect(lines[3]).toMatchObject({ type: 'gratitude', actionable: false });
    expect(r.stderr).toContain('line 2');
    expect(r.stderr).toContain('line 3');
  }, 60_000);

  it("reads the author's kind as CommentEvent spells it: an official's reply without a topic stays other", () => {
    const text = 'Здравствуйте! Ваше сообщение передано специалистам, ответим в течение дня.';
    const input = [
      JSON.stringify({ text, author: { kind: 'OFFICIAL' } }),
      JSON.stringify({ text: 'Уже месяц никто не реагирует', author: { kind: 'CITIZEN' } }),
    ].join('\n');
    const r = run('services/apps/classifier/classify.ts', [], input + '\n');
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.category)).toEqual(['other', 'urban_improvement']);
  }, 60_000);
});

describe('evaluate command', () => {
  it('prints accuracy, macro-F1 and the confusion matrix for a category file, and F1 of toxic for a toxicity file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otklik-eval-'));
    writeFileSync(
      join(dir, 'categories.jsonl'),
      [
        { text: 'Нет горячей воды в квартире', label: 'housing_utilities' },
        { text: 'Яма на проезжей части', label: 'roads_transport' },
        { text: 'Стая собак во дворе', label: 'other' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    writeFileSync(
      join(dir, 'toxicity.jsonl'),
      [
        { text: 'ты дебил', label: 'toxic' },
        { text: 'спасибо за ответ', label: 'non_toxic' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const r = run('services/apps/classifier/evaluate.ts', [dir, '--json']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('accuracy 1.000');
    expect(r.stdout).toContain('confusion (rows gold, columns predicted)');
    expect(r.stdout).toContain('toxic: precision 1.000  recall 1.000  F1 1.000');
    const summary = JSON.parse(r.stdout.trimEnd().split('\n').pop() ?? '{}') as Record<
      string,
      { accuracy: number }
    >;
    expect(summary['categories.jsonl']?.accuracy).toBe(1);
  }, 60_000);

  it('evaluates one half of the rows with --half, and names predicted labels absent from gold', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otklik-eval-'));
    const file = join(dir, 'halves.jsonl');
    writeFileSync(
      file,
      [
        { text: 'Нет горячей воды в квартире', label: 'housing_utilities' },
        { text: 'В поликлинике нет талонов к терапевту', label: 'housing_utilities' },
        { text: 'Течёт крыша над последним этажом', label: 'housing_utilities' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const even = run('services/apps/classifier/evaluate.ts', [file, '--half', 'even', '--json']);
    expect(even.status).toBe(0);
    expect(even.stdout).toContain('2 rows, even half');
    expect(even.stdout).toContain('predicted labels absent from gold: none');
    const odd = run('services/apps/classifier/evaluate.ts', [file, '--half', 'odd', '--json']);
    expect(odd.stdout).toContain('1 rows, odd half');
    expect(odd.stdout).toContain('predicted labels absent from gold: healthcare 1');
    const summary = JSON.parse(odd.stdout.trimEnd().split('\n').pop() ?? '{}') as Record<
      string,
      { macroF1: number; macroF1GoldLabels: number; strayLabels: Record<string, number> }
    >;
    expect(summary['halves.jsonl']?.strayLabels).toEqual({ healthcare: 1 });
    expect(summary['halves.jsonl']?.macroF1).toBe(0);
  }, 60_000);
});

describe('evaluate: routing taxonomies', () => {
  it('classifies a file among its source’s categories (named after the source), --taxonomy none among all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otklik-eval-'));
    const rows = [
      { text: 'Стихийная свалка за гаражами, жгут мусор, дышать нечем', label: 'urban_improvement' },
      { text: 'Течёт крыша над последним этажом', label: 'housing_utilities' },
    ];
    const lines = rows.map((r) => JSON.stringify(r)).join('\n');
    writeFileSync(join(dir, 'spb_reports.jsonl'), lines);
    writeFileSync(join(dir, 'elsewhere.jsonl'), lines);
    // A row's own region decides for that row.
    writeFileSync(
      join(dir, 'tagged.jsonl'),
      rows.map((r) => JSON.stringify({ ...r, region: '78' })).join('\n'),
    );
    const auto = run('services/apps/classifier/evaluate.ts', [dir, '--json']);
    expect(auto.status).toBe(0);
    expect(auto.stdout).toContain('taxonomy: spb-gorod (2 rows)');
    const summary = (out: string) =>
      JSON.parse(out.trimEnd().split('\n').pop() ?? '{}') as Record<
        string,
        { accuracy: number; strayLabels: Record<string, number>; taxonomy: string }
      >;
    const a = summary(auto.stdout);
    expect(a['spb_reports.jsonl']).toMatchObject({ accuracy: 1, strayLabels: {} });
    expect(a['tagged.jsonl']).toMatchObject({ accuracy: 1, taxonomy: 'spb-gorod (2 rows)' });
    expect(a['elsewhere.jsonl']).toMatchObject({ strayLabels: { ecology: 1 }, taxonomy: 'full (2 rows)' });
    const none = summary(
      run('services/apps/classifier/evaluate.ts', [dir, '--taxonomy', 'none', '--json']).stdout,
    );
    expect(none['spb_reports.jsonl']?.strayLabels).toEqual({ ecology: 1 });
    // The classify command routes by a line's region or page as the worker does.
    const text = rows[0]?.text;
    const classified = run(
      'services/apps/classifier/classify.ts',
      [],
      [{ text }, { text, region: '78' }, { text, region: 78 }, { text, region: '46' }]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    expect(
      classified.stdout
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { category: string }).category),
    ).toEqual(['ecology', 'urban_improvement', 'urban_improvement', 'ecology']);
    const bad = run('services/apps/classifier/evaluate.ts', [dir, '--taxonomy', 'nope']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('EVALUATE_BAD_ARGS');
  }, 60_000);
});

describe('evaluate: de-obfuscation and learning curve', () => {
  const toxicityFile = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'otklik-eval-'));
    const file = join(dir, 'toxicity.jsonl');
    const rows = [
      { text: 'ты д е б и л', label: 'toxic' },
      { text: 'Спасибо за помощь', label: 'non_toxic' },
      { text: 'вы там все cyka', label: 'toxic' },
      { text: 'Когда починят лифт?', label: 'non_toxic' },
      { text: 'ты м_р_а_з_ь', label: 'toxic' },
      { text: 'Хорошая погода сегодня', label: 'non_toxic' },
      { text: 'Я тебя урою', label: 'toxic' },
      { text: 'Во дворе сломали качели', label: 'non_toxic' },
    ];
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    return file;
  };

  it('prints toxicity with and without the de-obfuscation layer', () => {
    const r = run('services/apps/classifier/evaluate.ts', [
      toxicityFile(),
      '--deobfuscation',
      'compare',
      '--json',
    ]);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout.trimEnd().split('\n').pop() ?? '{}') as Record<
      string,
      { recall: number; withoutDeobfuscation: { recall: number } }
    >;
    const s = summary['toxicity.jsonl'];
    expect(s?.recall).toBe(1);
    expect(s?.withoutDeobfuscation.recall).toBeLessThan(1);
  }, 60_000);

  it('fits the settings on 25, 50 and 100 % of each half and scores the other half', () => {
    const r = run('services/apps/classifier/evaluate.ts', [toxicityFile(), '--learning-curve', '--json']);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout.trimEnd().split('\n').pop() ?? '{}') as Record<
      string,
      { learningCurve: { points: Array<{ fittedOn: string; fraction: number; heldOut: number }> } }
    >;
    const points = summary['toxicity.jsonl']?.learningCurve.points ?? [];
    expect(points.map((p) => `${p.fittedOn} ${p.fraction}`)).toEqual([
      'even 0.25',
      'even 0.5',
      'even 1',
      'odd 0.25',
      'odd 0.5',
      'odd 1',
    ]);
    for (const p of points) expect(p.heldOut).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('refuses an unknown option', () => {
    const r = run('services/apps/classifier/evaluate.ts', [toxicityFile(), '--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('EVALUATE_BAD_ARGS');
  }, 60_000);
});

describe('metrics', () => {
  it('computes macro-F1 over the union of gold and predicted labels, like scikit-learn', () => {
    const r = report(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'c']);
    expect(r.accuracy).toBe(0.5);
    expect(r.labels).toEqual(['a', 'b', 'c']);
    // a: P 1, R .5, F1 2/3; b: P .5, R .5, F1 .5; c: 0 → mean 0.3889
    expect(r.macroF1).toBeCloseTo((2 / 3 + 0.5 + 0) / 3, 6);
    expect(r.macroF1GoldLabels).toBeCloseTo((2 / 3 + 0.5) / 2, 6);
    expect(r.confusion).toEqual([
      [1, 1, 0],
      [0, 1, 1],
      [0, 0, 0],
    ]);
  });

  it('computes precision, recall and F1 of the positive class', () => {
    const b = binary([true, true, false, false], [true, false, true, false]);
    expect(b.precision).toBe(0.5);
    expect(b.recall).toBe(0.5);
    expect(b.f1).toBe(0.5);
  });
});
