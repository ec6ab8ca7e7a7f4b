import { Command, Option } from 'commander';
import type { Kafka } from 'kafkajs';
import { ensureTopics } from '../../../adapters/kafka/topics.js';
import { envOf, kafkaOf, positiveInt, type CliIo, type GlobalOptions } from '../context.js';
import { formatTable } from '../format.js';
import type { EnvConfig } from '../../../runtime/config/env.js';

function otklikTopics(env: EnvConfig): string[] {
  return [
    env.OTKLIK_TOPIC_COMMENTS,
    env.OTKLIK_TOPIC_CLASSIFIED,
    env.OTKLIK_TOPIC_ALERTS,
    env.OTKLIK_TOPIC_DLQ,
    env.OTKLIK_TOPIC_ACTIONS,
  ];
}

async function create(
  io: CliIo,
  globals: GlobalOptions,
  options: { partitions?: number; replication?: number },
) {
  const env = envOf(io, globals);
  const topics = otklikTopics(env);
  const created = await ensureTopics(
    kafkaOf(io, env, 'topics'),
    topics.map((topic) => ({
      topic,
      numPartitions: options.partitions ?? env.OTKLIK_TOPIC_PARTITIONS,
      replicationFactor: options.replication ?? env.OTKLIK_TOPIC_REPLICATION,
    })),
  );
  for (const topic of topics) io.out(`${created.includes(topic) ? 'created' : 'exists '}  ${topic}`);
}

export interface TopicDescription {
  topic: string;
  partitions: {
    partition: number;
    leader: number;
    replicas: number[];
    isr: number[];
    low: string;
    high: string;
    messages: string;
    /** Committed offset of the worker group, when it has one. */
    committed: string | null;
    lag: string | null;
  }[];
}

async function describeTopics(kafka: Kafka, topics: string[], groupId: string): Promise<TopicDescription[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length) throw new Error(`no such topic(s): ${missing.join(', ')}`);
    const metadata = await admin.fetchTopicMetadata({ topics });
    const committed = new Map<string, string>();
    for (const t of await admin.fetchOffsets({ groupId, topics }).catch(() => [])) {
      for (const p of t.partitions)
        if (p.offset !== '-1') committed.set(`${t.topic}:${p.partition}`, p.offset);
    }
    const out: TopicDescription[] = [];
    for (const meta of metadata.topics) {
      const offsets = new Map((await admin.fetchTopicOffsets(meta.name)).map((o) => [o.partition, o]));
      out.push({
        topic: meta.name,
        partitions: meta.partitions
          .sort((a, b) => a.partitionId - b.partitionId)
          .map((p) => {
            const o = offsets.get(p.partitionId);
            const low = o?.low ?? '0';
            const high = o?.high ?? '0';
            const done = committed.get(`${meta.name}:${p.partitionId}`) ?? null;
            return {
              partition: p.partitionId,
              leader: p.leader,
              replicas: p.replicas,
              isr: p.isr,
              low,
              high,
              messages: String(BigInt(high) - BigInt(low)),
              committed: done,
              lag: done === null ? null : String(BigInt(high) - BigInt(done)),
            };
          }),
      });
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

async function describe(io: CliIo, globals: GlobalOptions, names: string[], options: { json?: boolean }) {
  const env = envOf(io, globals);
  const topics = names.length ? names : otklikTopics(env);
  const described = await describeTopics(kafkaOf(io, env, 'topics'), topics, env.OTKLIK_GROUP_ID);
  if (options.json) {
    io.out(JSON.stringify(described));
    return;
  }
  for (const d of described) {
    const total = d.partitions.reduce((sum, p) => sum + BigInt(p.messages), 0n);
    io.out(`${d.topic}: ${d.partitions.length} partition(s), ${total} message(s)`);
    io.out(
      formatTable(
        [
          'partition',
          'leader',
          'replicas',
          'isr',
          'low',
          'high',
          'messages',
          `committed (${env.OTKLIK_GROUP_ID})`,
          'lag',
        ],
        d.partitions.map((p) => [
          p.partition,
          p.leader,
          p.replicas.join(','),
          p.isr.join(','),
          p.low,
          p.high,
          p.messages,
          p.committed ?? '-',
          p.lag ?? '-',
        ]),
      ),
    );
    io.out('');
  }
}

export function topicsCommand(io: CliIo): Command {
  const topics = new Command('topics').description("create and describe Otklik's topics");
  topics
    .command('create')
    .description(
      'create the comments, classified, alerts, DLQ and operator-actions topics that do not exist yet',
    )
    .addOption(
      new Option('--partitions <n>', 'partitions (default: $OTKLIK_TOPIC_PARTITIONS or 6)').argParser(
        positiveInt,
      ),
    )
    .addOption(
      new Option(
        '--replication <n>',
        'replication factor (default: $OTKLIK_TOPIC_REPLICATION or 1)',
      ).argParser(positiveInt),
    )
    .action(async (options, command: Command) => {
      await create(io, command.optsWithGlobals<GlobalOptions>(), options);
    });
  topics
    .command('describe')
    .description("partitions, leaders, replicas, offsets, message counts and the worker group's lag")
    .argument('[topic...]', 'topics to describe (default: the five Otklik topics)')
    .option('--json', 'print JSON')
    .action(async (names: string[], options, command: Command) => {
      await describe(io, command.optsWithGlobals<GlobalOptions>(), names, options);
    });
  return topics;
}
