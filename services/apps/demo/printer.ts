import type {
  ClassifiedComment,
  OperatorAction,
  SlaAlert,
} from '../../core/contracts/schema-types.generated.js';

const colour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, s: string) => (colour ? `\u001b[${code}m${s}\u001b[0m` : s);
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const short = (text: string, n = 70) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};

/** Which deadline an alert is about (issue #16); alerts of older writers: the first reply. */
const TARGET_LABELS: Record<string, string> = {
  FIRST_REPLY: 'first reply',
  FINAL_ANSWER: 'final answer',
  NEXT_REPLY: 'next reply',
};

/** What an operator action carries besides its kind, in a few words. */
function actionDetail(a: OperatorAction): string {
  const parts = [
    a.pause_reason ? a.pause_reason.toLowerCase().replace(/_/g, ' ') : '',
    a.correction?.priority ? `priority → ${a.correction.priority}` : '',
    a.correction?.category ? `category → ${a.correction.category}` : '',
    a.correction?.actionable === false ? 'not actionable' : '',
    a.assignment ? `to ${a.assignment.agency}` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

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
  action: (a: OperatorAction, why: string) => {
    const detail = actionDetail(a);
    console.log(
      `${clock(Date.now())} ${paint(34, '→ act  ')} ${a.kind.padEnd(12)} ${a.comment_key}${detail ? `  ${detail}` : ''}\n` +
        `           ${paint(90, `${why} (action ${a.action_id})`)}`,
    );
  },
  alert: (a: SlaAlert) => {
    const tone = a.kind === 'WARNING' ? 33 : 31;
    const late =
      a.overdue_ms >= 0
        ? `overdue by ${(a.overdue_ms / 1000).toFixed(1)} s`
        : `due in ${(-a.overdue_ms / 1000).toFixed(1)} s`;
    console.log(
      `${clock(a.fired_at)} ${paint(tone, `! ${a.kind}${a.kind === 'ESCALATION' ? ` ${a.level}` : ''}`.padEnd(14))} ${paint(1, (TARGET_LABELS[a.target] ?? a.target).padEnd(12))} ${a.comment_key}  ${a.category}/${a.priority}  region ${a.region}  ${late}  alert_id ${a.alert_id.slice(0, 8)}…`,
    );
  },
  deadLetter: (key: string, code: string, message: string) =>
    console.log(`${clock(Date.now())} ${paint(35, '✗ DLQ   ')} ${key}  ${code}: ${short(message, 90)}`),
};
