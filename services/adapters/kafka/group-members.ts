import type { Kafka } from 'kafkajs';

/** How many consumers are members of the group now (0 for a group that does not exist or is empty). */
export async function groupMemberCount(kafka: Kafka, groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}
