import * as pulumi from "@pulumi/pulumi";
import type { KafkaNames } from "../../apps/lib/flash-sale/kafka-names";

/**
 * MSK IAM resources are ARNs derived from the cluster's:
 * arn:…:cluster/<name>/<uuid> → arn:…:topic/<name>/<uuid>/<topic> (and group/…).
 */
function resourceArn(clusterArn: string, kind: "topic" | "group", name: string): string {
  return `${clusterArn.replace(":cluster/", `:${kind}/`)}/${name}`;
}

function policy(statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

const connect = (clusterArn: string) => ({
  Sid: "ConnectToTheCluster",
  Effect: "Allow",
  Action: ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently"],
  Resource: clusterArn,
});

/** What the coupon service needs: create (if missing) and write the orders topic. */
export function producerPolicy(clusterArn: pulumi.Input<string>, names: KafkaNames): pulumi.Output<string> {
  return pulumi.output(clusterArn).apply((arn) =>
    policy([
      connect(arn),
      {
        Sid: "WriteOrders",
        Effect: "Allow",
        Action: ["kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"],
        Resource: resourceArn(arn, "topic", names.ordersTopic),
      },
    ]),
  );
}

/** What the payment service needs: read orders in its group, write dead letters. */
export function consumerPolicy(clusterArn: pulumi.Input<string>, names: KafkaNames): pulumi.Output<string> {
  return pulumi.output(clusterArn).apply((arn) =>
    policy([
      connect(arn),
      {
        Sid: "ReadOrders",
        Effect: "Allow",
        Action: ["kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"],
        Resource: resourceArn(arn, "topic", names.ordersTopic),
      },
      {
        Sid: "WriteDeadLetters",
        Effect: "Allow",
        Action: ["kafka-cluster:CreateTopic", "kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"],
        Resource: resourceArn(arn, "topic", names.deadLetterTopic),
      },
      {
        Sid: "JoinTheSettlementGroup",
        Effect: "Allow",
        Action: ["kafka-cluster:AlterGroup", "kafka-cluster:DescribeGroup"],
        Resource: resourceArn(arn, "group", names.settlementGroup),
      },
    ]),
  );
}
