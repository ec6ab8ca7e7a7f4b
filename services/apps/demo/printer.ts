import type { ClassifiedComment, SlaAlert } from '../../core/contracts/schema-types.generated.js';

const colour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, s: string) => (colour ? `\u001b[${code}m${s}\u001b[0m` : s);
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const short = (text: string, n = 70) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};

/** Human-readable lines for the demo; everything the workers decide shows up here. */
export const print = {
  info: (msg: string) => console.log(paint(90, msg)),
  sent: (what: string, key: string, detail: string) =>
    console.log(`${clock(Date.now())} ${paint(36, '→ sent ')} ${what.padEnd(8)} ${key}  ${detail}`),
  classified: (c: ClassifiedComment) => {
    const k = c.classification;
    const flags = [
      k.actionable ? 'needs reply' : 'no reply needed',
      k.toxic ? 'TOXIC' : '',
      k.spam ? 'SPAM' : '',
    ]
      .filter(Boolean)
      .join(', ');
    const due = c.sla ? `due ${clock(c.sla.due_at)} (${c.sla.policy_id})` : 'no SLA';
    const why = k.evidence
      .slice(0, 3)
      .map((e) => `${e.feature}`)
      .join('; ');
    console.log(
      `${clock(Date.now())} ${paint(32, '✓ class')} ${c.key}  ${paint(1, `${k.category}/${k.type}/${k.priority}`)}  ${flags}  ${due}\n` +
        `           «${short(c.comment.text)}»${why ? paint(90, `  [${why}]`) : ''}`,
    );
  },
  alert: (a: SlaAlert) => {
    const tone = a.kind === 'WARNING' ? 33 : 31;
    const late =
      a.overdue_ms >= 0
        ? `overdue by ${(a.overdue_ms / 1000).toFixed(1)} s`
        : `due in ${(-a.overdue_ms / 1000).toFixed(1)} s`;
    console.log(
      `${clock(a.fired_at)} ${paint(tone, `! ${a.kind}${a.kind === 'ESCALATION' ? ` ${a.level}` : ''}`.padEnd(14))} ${a.comment_key}  ${a.category}/${a.priority}  region ${a.region}  ${late}  alert_id ${a.alert_id.slice(0, 8)}…`,
    );
  },
  deadLetter: (key: string, code: string, message: string) =>
    console.log(`${clock(Date.now())} ${paint(35, '✗ DLQ   ')} ${key}  ${code}: ${short(message, 90)}`),
};
