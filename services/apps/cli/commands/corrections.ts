import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { SlaKeys } from '../../../adapters/redis/keys.js';
import {
  agreementPerField,
  CORRECTION_FIELDS,
  type LabelledCorrection,
} from '../../../core/sla/corrections.js';
import { envOf, redisOf, type CliIo, type GlobalOptions } from '../context.js';
import { formatTable } from '../format.js';

interface ExportOptions {
  out?: string;
}

/**
 * `otklik corrections export`: every operator's RECLASSIFIED judgement, as the appeal lifecycle logged it
 * once per action in each shard's corrections log (docs/sla-engine.md "The appeal lifecycle in Redis"),
 * as JSONL (core/sla/corrections.ts LabelledCorrection: the comment's text as its record kept it, the
 * classifier's labels, the operator's), then how often the operators agreed with the classifier per field.
 */
async function exportCorrections(io: CliIo, globals: GlobalOptions, options: ExportOptions) {
  const env = envOf(io, globals);
  const redis = redisOf(env);
  try {
    const keys = new SlaKeys(env.OTKLIK_KEY_PREFIX);
    const rows: LabelledCorrection[] = [];
    for (let shard = 0; shard < env.OTKLIK_SHARDS; shard++) {
      for (const line of await redis.lrange(keys.corrections(shard), 0, -1))
        rows.push(JSON.parse(line) as LabelledCorrection);
    }
    rows.sort((a, b) => a.acted_at - b.acted_at || a.action_id.localeCompare(b.action_id));
    const jsonl = rows.map((r) => JSON.stringify(r));
    // JSONL on stdout unless --out names a file; the summary goes to stderr then, so a pipe gets data only.
    const summary = options.out ? io.out : io.err;
    if (options.out) writeFileSync(options.out, jsonl.map((l) => `${l}\n`).join(''));
    else for (const line of jsonl) io.out(line);
    const agreement = agreementPerField(rows);
    summary(
      formatTable(
        ['field', 'judged', 'agreed', 'agreement'],
        CORRECTION_FIELDS.map((f) => {
          const a = agreement[f];
          return [f, a.judged, a.agreed, a.rate === null ? '-' : `${(a.rate * 100).toFixed(1)}%`];
        }),
      ),
    );
    summary(
      `${rows.length} corrections${options.out ? ` written to ${options.out}` : ''}; agreement = the operator kept the classifier's value`,
    );
  } finally {
    redis.disconnect();
  }
}

export function correctionsCommand(io: CliIo): Command {
  const command = new Command('corrections').description(
    "operators' corrections of the classifier (RECLASSIFIED actions), kept as labelled examples",
  );
  command
    .command('export')
    .description('write every correction as JSONL and print agreement with the classifier per field')
    .option('--out <file>', 'write the JSONL to this file instead of stdout')
    .action(async (options: ExportOptions, cmd: Command) => {
      await exportCorrections(io, cmd.optsWithGlobals<GlobalOptions>(), options);
    });
  return command;
}
