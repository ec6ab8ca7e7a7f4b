import { Command } from 'commander';
import { decodeIncidentEvent, type IncidentEvent } from '../../../core/contracts/index.js';
import { IncidentStore } from '../../../adapters/redis/incidents/incident-store.js';
import { unansweredMembers } from '../../../adapters/redis/incidents/unanswered.js';
import { openIncidents } from '../../../roles/incidents/open-incidents.js';
import { envOf, kafkaOf, positiveInt, redisOf, type CliIo, type GlobalOptions } from '../context.js';
import { followTopic } from '../kafka/follow-topic.js';
import { formatTable, regionLabel } from '../format.js';
import { terminalSafe, terminalSafeJson } from '../terminal-safe.js';

interface ListOptions {
  json?: boolean;
}

interface FollowOptions {
  fromBeginning?: boolean;
  json?: boolean;
  limit?: number;
  timeout?: number;
}

const time = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

async function list(io: CliIo, globals: GlobalOptions, options: ListOptions) {
  const env = envOf(io, globals);
  const redis = redisOf(env);
  try {
    const store = new IncidentStore(redis, env.OTKLIK_KEY_PREFIX);
    const sla = { prefix: env.OTKLIK_KEY_PREFIX, shards: env.OTKLIK_SHARDS };
    const rows = [];
    for (let shard = 0; shard < env.OTKLIK_INCIDENT_SHARDS; shard++) {
      for (const open of await openIncidents(store, env.OTKLIK_INCIDENT_SHARDS, shard)) {
        const members = await store.members(shard, open.incident_id);
        rows.push({ ...open, unanswered: (await unansweredMembers(redis, sla, members)).length });
      }
    }
    rows.sort((a, b) => b.updated_at - a.updated_at);
    if (options.json) {
      for (const row of rows) io.out(terminalSafeJson(JSON.stringify(row)));
      return;
    }
    io.out(
      formatTable(
        ['incident', 'type', 'region', 'municipality', 'severity', 'size', 'unanswered', 'since', 'title'],
        rows.map((r) => [
          r.incident_id,
          r.type,
          regionLabel(r.region),
          r.municipality ?? '-',
          r.severity,
          r.size,
          r.unanswered,
          time(r.first_member_at),
          r.title,
        ]),
      ),
    );
    io.out(`\n${rows.length} open; unanswered = members whose first-reply SLA is still open`);
  } finally {
    redis.disconnect();
  }
}

function line(e: IncidentEvent): string {
  const place = [regionLabel(e.region), e.municipality].filter(Boolean).join(', ');
  const joined = e.kind === 'UPDATED' ? ` +${e.member_keys.length}` : '';
  return `${time(e.at)} ${e.kind}${joined} ${e.incident_id} ${e.type} ${e.severity} [${place}] size ${e.size}: ${e.title}`;
}

async function follow(io: CliIo, globals: GlobalOptions, options: FollowOptions) {
  const env = envOf(io, globals);
  const topic = env.OTKLIK_TOPIC_INCIDENTS;
  let shown = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const followed = await followTopic(
    kafkaOf(io, env, 'incidents'),
    topic,
    options.fromBeginning ? 'beginning' : 'end',
    async (message, partition) => {
      if (options.limit !== undefined && shown >= options.limit) return;
      let event: IncidentEvent;
      try {
        event = decodeIncidentEvent(message.value ?? Buffer.alloc(0));
      } catch (e) {
        io.err(terminalSafe(`skipped ${topic}[${partition}]@${message.offset}: ${(e as Error).message}`));
        return;
      }
      shown++;
      io.out(options.json ? terminalSafeJson(JSON.stringify(event)) : terminalSafe(line(event)));
      if (options.limit !== undefined && shown >= options.limit) finish();
    },
  );
  const timer = options.timeout ? setTimeout(finish, options.timeout * 1000) : undefined;
  process.once('SIGINT', finish);
  process.once('SIGTERM', finish);
  if (!options.json) io.err(`following ${topic}; Ctrl-C stops`);
  try {
    await finished;
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', finish);
    process.off('SIGTERM', finish);
    await followed.stop();
  }
}

export function incidentsCommand(io: CliIo): Command {
  const command = new Command('incidents').description(
    'open incidents and campaigns (docs/incidents.md): list them from Redis, or follow their events',
  );
  command
    .command('list', { isDefault: true })
    .description('the open incidents, newest activity first, with how many members are unanswered')
    .option('--json', 'one JSON object per incident')
    .action(async (options: ListOptions, cmd: Command) => {
      await list(io, cmd.optsWithGlobals<GlobalOptions>(), options);
    });
  command
    .command('follow')
    .description('follow IncidentEvents (OPENED, UPDATED, CLOSED) as they are published')
    .option('--from-beginning', 'from the start of the topic, not only new events')
    .option('--json', 'one JSON object per event')
    .option('--limit <n>', 'stop after this many events', positiveInt)
    .option('--timeout <s>', 'stop after this many seconds', positiveInt)
    .action(async (options: FollowOptions, cmd: Command) => {
      await follow(io, cmd.optsWithGlobals<GlobalOptions>(), options);
    });
  return command;
}
