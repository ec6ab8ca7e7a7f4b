import { describe, expect, it } from 'vitest';
import { decoderOf, printedLine } from '../../../../services/apps/cli/commands/tail.js';
import { formatTable } from '../../../../services/apps/cli/format.js';
import { terminalSafe, terminalSafeJson } from '../../../../services/apps/cli/terminal-safe.js';
import { encodeClassifiedComment, encodeSlaAlert } from '../../../../services/core/contracts/index.js';
import { formatTable as formatDeadLetters } from '../../../../services/apps/cli/dlq/dead-letters.js';
import { classifiedComment, commentEvent, slaAlert } from '../../core/contracts/fixtures.js';

/** `otklik tail` prints fields written by the public: no control or bidi character reaches the terminal. */
const CLEAR_SCREEN = '\u001b[2J';
const CLIPBOARD = '\u001b]52;c;ZWNobyBwd25lZA==\u0007'; // OSC 52: set the clipboard
const C1_CSI = '\u009b2J';
const RTL_OVERRIDE = '\u202e';
const HOSTILE = `a${CLEAR_SCREEN}b${CLIPBOARD}c${C1_CSI}d${RTL_OVERRIDE}e\nf\rg\u2066h\u0000`;
/** Everything a terminal could act on. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('terminalSafe', () => {
  it('writes every control, C1 and bidi character as a visible escape', () => {
    expect(terminalSafe(HOSTILE)).toBe(
      'a\\x1B[2Jb\\x1B]52;c;ZWNobyBwd25lZA==\\x07c\\x9B2Jd\\u{202E}e\\x0Af\\x0Dg\\u{2066}h\\x00',
    );
    expect(terminalSafe('Нет воды 🚿 — «дом 5»')).toBe('Нет воды 🚿 — «дом 5»');
  });

  it('keeps JSON valid and equal after parsing, pretty-printed too', () => {
    const json = JSON.stringify({ text: HOSTILE });
    const safe = terminalSafeJson(json);
    expect(safe).not.toMatch(UNSAFE);
    expect(JSON.parse(safe)).toEqual({ text: HOSTILE });
    const pretty = terminalSafeJson(JSON.stringify([{ text: HOSTILE }], null, 2));
    expect(pretty.split('\n')).toHaveLength(5);
    expect(pretty.split('\n').every((line) => !UNSAFE.test(line))).toBe(true);
    expect(JSON.parse(pretty)).toEqual([{ text: HOSTILE }]);
  });

  it('tables (otklik stats, dlq list) escape their cells', () => {
    const stats = formatTable(['region', 'n'], [[`77${CLEAR_SCREEN}`, 1]]);
    expect(stats.split('\n')).toHaveLength(3);
    expect(stats.split('\n').every((line) => !UNSAFE.test(line))).toBe(true);
    const letters = formatDeadLetters([
      {
        dlqPartition: 0,
        dlqOffset: '1',
        at: '2026-01-01T00:00:00.000Z',
        code: 'INVALID_FIELD',
        sourceTopic: 't',
        sourcePartition: 0,
        sourceOffset: '5',
        key: `VK:${CLIPBOARD}`,
        field: 'region',
        message: `bad ${HOSTILE}`,
        valueBytes: 3,
      },
    ]);
    expect(letters.split('\n')).toHaveLength(2);
    expect(letters.split('\n').every((line) => !UNSAFE.test(line))).toBe(true);
  });
});

describe('otklik tail prints no raw control character', () => {
  const comment = commentEvent({
    text: HOSTILE,
    comment_id: `1${CLEAR_SCREEN}`,
    region: `54${CLIPBOARD}`,
    url: `https://x.example/${RTL_OVERRIDE}gpj.exe`,
  });
  const classified = encodeClassifiedComment(classifiedComment({ comment, key: `VK:1${CLEAR_SCREEN}\n` }));
  const alert = encodeSlaAlert(
    slaAlert({ excerpt: HOSTILE, comment_key: `VK:${CLIPBOARD}`, region: C1_CSI, url: `u${RTL_OVERRIDE}` }),
  );

  for (const json of [false, true]) {
    it(`classified comments${json ? ' as JSON' : ''}`, () => {
      const line = printedLine(decoderOf('classified')(classified), json);
      expect(line).not.toMatch(UNSAFE);
      expect(line).toContain(json ? '\\u001b[2J' : '\\x1B[2J');
      if (json) expect(JSON.parse(line)).toMatchObject({ comment: { text: HOSTILE } });
    });
    it(`alerts${json ? ' as JSON' : ''}`, () => {
      const line = printedLine(decoderOf('alerts')(alert), json);
      expect(line).not.toMatch(UNSAFE);
      expect(line).toContain(json ? '\\u009b2J' : '\\x9B2J');
    });
  }
});
