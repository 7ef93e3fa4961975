/**
 * Broker settings for a cluster of `brokerCount` brokers. Durability follows the
 * size: three copies of every partition and two of them in sync before a write
 * is acknowledged (acks=all) when there are three or more brokers — one broker
 * or one AZ can fail without losing or refusing a write; two copies and one in
 * sync on a two-broker cluster.
 */
export function brokerDurability(brokerCount: number): { replicationFactor: number; minInSyncReplicas: number } {
  const replicationFactor = Math.min(3, brokerCount);
  return { replicationFactor, minInSyncReplicas: Math.max(1, replicationFactor - 1) };
}

export function serverProperties(brokerCount: number): string {
  const { replicationFactor, minInSyncReplicas } = brokerDurability(brokerCount);
  return [
    // Topics are created by the services that own them, with their partition counts.
    "auto.create.topics.enable=false",
    `default.replication.factor=${replicationFactor}`,
    `min.insync.replicas=${minInSyncReplicas}`,
    // An out-of-sync replica must never become leader: that silently drops acknowledged orders.
    "unclean.leader.election.enable=false",
    `offsets.topic.replication.factor=${replicationFactor}`,
    `transaction.state.log.replication.factor=${replicationFactor}`,
    `transaction.state.log.min.isr=${minInSyncReplicas}`,
    "num.partitions=6",
    "log.retention.hours=168",
    "",
  ].join("\n");
}
