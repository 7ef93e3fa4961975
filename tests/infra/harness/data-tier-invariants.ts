import * as pulumi from "@pulumi/pulumi";
import { type RedisService, accessString, redisUserName } from "../../../apps/lib/flash-sale/redis-acl";
import { clusterSecurityGroupId, generatedSecrets, identityKeySecrets, kmsKeyByArn, logGroupNamed, usersOf } from "./finders";
import { expect, it } from "vitest";
import type { PlatformConfig } from "../../../infra/config";
import type { CapturedResource } from "../../../scripts/lib/mock-stack/aws-mocks";
import { valueOf, type StackRun } from "../../../scripts/lib/mock-stack/run-stack";
import { subnetsOf, T } from "./stack-invariants";

export const D = {
  msk: "aws:msk/cluster:Cluster",
  mskConfig: "aws:msk/configuration:Configuration",
  scalingTarget: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  cacheGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheSubnets: "aws:elasticache/subnetGroup:SubnetGroup",
  cacheParams: "aws:elasticache/parameterGroup:ParameterGroup",
  rds: "aws:rds/instance:Instance",
  rdsSubnets: "aws:rds/subnetGroup:SubnetGroup",
  rdsParams: "aws:rds/parameterGroup:ParameterGroup",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  password: "random:index/randomPassword:RandomPassword",
} as const;

const securityGroupOf = (run: StackRun, id: string): CapturedResource => {
  const group = run.ofType(T.securityGroup).find((g) => g.id === id);
  expect(group, `security group ${id}`).toBeDefined();
  return group!;
};

export function primaryDatabase(run: StackRun): CapturedResource {
  return run.ofType(D.rds).find((db) => !db.inputs.replicateSourceDb)!;
}

export function readReplicas(run: StackRun): CapturedResource[] {
  return run.ofType(D.rds).filter((db) => db.inputs.replicateSourceDb);
}

/** Every Output inside the stack's exports (which may nest them in objects), with its path. */
function leafOutputs(value: unknown, path = ""): Array<[string, pulumi.Output<unknown>]> {
  if (pulumi.Output.isInstance(value)) return [[path, value as pulumi.Output<unknown>]];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => leafOutputs(inner, path ? `${path}.${key}` : key));
}

/** The floor every stack's data tier stands on, whatever its profile. */
export function itHoldsDataTierInvariants(getRun: () => StackRun, getConfig: () => PlatformConfig): void {
  const dataSubnetIds = (run: StackRun) =>
    subnetsOf(run, "data")
      .map((s) => s.id)
      .sort();

  it("places MSK brokers, cache nodes and database instances only in the data subnets", () => {
    const run = getRun();
    const data = dataSubnetIds(run);
    expect([...run.ofType(D.msk)[0]!.inputs.brokerNodeGroupInfo.clientSubnets].sort()).toEqual(data);
    expect([...run.ofType(D.cacheSubnets)[0]!.inputs.subnetIds].sort()).toEqual(data);
    expect([...run.ofType(D.rdsSubnets)[0]!.inputs.subnetIds].sort()).toEqual(data);
    expect(run.ofType(D.cacheGroup)[0]!.inputs.subnetGroupName).toBe(run.ofType(D.cacheSubnets)[0]!.inputs.name);
    expect(primaryDatabase(run).inputs.dbSubnetGroupName).toBe(run.ofType(D.rdsSubnets)[0]!.inputs.name);
  });

  it("makes nothing in the data tier publicly accessible", () => {
    const run = getRun();
    expect(run.ofType(D.msk)[0]!.inputs.brokerNodeGroupInfo.connectivityInfo.publicAccess.type).toBe("DISABLED");
    for (const db of run.ofType(D.rds)) expect(db.inputs.publiclyAccessible).toBe(false);
  });

  it("admits only the EKS nodes' security group to Kafka and Redis, and the nodes plus the bastion to MySQL", () => {
    const run = getRun();
    const bastionSg = run.ofType(T.instance)[0]!.inputs.vpcSecurityGroupIds[0];
    // The security group the cluster reports for its nodes (EKS's cluster security group).
    const NODE_SG = clusterSecurityGroupId(run);
    const cases: Array<[string, string[], number]> = [
      [run.ofType(D.msk)[0]!.inputs.brokerNodeGroupInfo.securityGroups[0], [NODE_SG], 9098],
      [run.ofType(D.cacheGroup)[0]!.inputs.securityGroupIds[0], [NODE_SG], 6379],
      [primaryDatabase(run).inputs.vpcSecurityGroupIds[0], [NODE_SG, bastionSg], 3306],
    ];
    for (const [groupId, sources, port] of cases) {
      const group = securityGroupOf(run, groupId).inputs;
      expect(group.ingress.flatMap((rule: any) => rule.securityGroups).sort()).toEqual([...sources].sort());
      for (const rule of group.ingress) {
        expect(rule.cidrBlocks ?? []).toEqual([]);
        expect(rule.ipv6CidrBlocks ?? []).toEqual([]);
        expect([rule.protocol, rule.fromPort, rule.toPort]).toEqual(["tcp", port, port]);
      }
      expect(group.egress).toEqual([]);
    }
    for (const replica of readReplicas(run))
      expect(replica.inputs.vpcSecurityGroupIds).toEqual(primaryDatabase(run).inputs.vpcSecurityGroupIds);
  });

  it("lets the bastion out only on HTTPS and to MySQL in the data subnets", () => {
    const run = getRun();
    const bastionSg = securityGroupOf(run, run.ofType(T.instance)[0]!.inputs.vpcSecurityGroupIds[0]).inputs;
    const dataCidrs = subnetsOf(run, "data")
      .map((s) => s.inputs.cidrBlock)
      .sort();
    expect(bastionSg.egress.map((rule: any) => rule.fromPort).sort()).toEqual([3306, 443]);
    const mysql = bastionSg.egress.find((rule: any) => rule.fromPort === 3306);
    expect([...mysql.cidrBlocks].sort()).toEqual(dataCidrs);
  });

  it("encrypts Kafka at rest with its own key and in transit everywhere, and accepts IAM-authenticated clients only", () => {
    const run = getRun();
    const msk = run.ofType(D.msk)[0]!;
    // Its own key: a rotating customer key that no other resource uses.
    const key = kmsKeyByArn(run, msk.inputs.encryptionInfo.encryptionAtRestKmsKeyArn);
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(usersOf(run, key.outputs.arn).map((user) => user.type)).toEqual([D.msk]);
    const { inputs: mskInputs } = msk;
    expect(mskInputs.encryptionInfo.encryptionInTransit).toEqual({ clientBroker: "TLS", inCluster: true });
    expect(mskInputs.clientAuthentication).toEqual({ sasl: { iam: true }, unauthenticated: false });
  });

  it("encrypts the cache at rest, requires TLS and lets each service in only as its own user", () => {
    const run = getRun();
    const cache = run.ofType(D.cacheGroup)[0]!.inputs;
    expect(cache.atRestEncryptionEnabled).toBe(true);
    // Its own key: the cache and the secrets holding its users' passwords are the key's only users.
    const key = kmsKeyByArn(run, cache.kmsKeyId);
    expect([...new Set(usersOf(run, key.outputs.arn).map((user) => user.type))].sort()).toEqual([D.cacheGroup, D.secret].sort());
    expect(cache.transitEncryptionEnabled).toBe(true);
    expect(cache.transitEncryptionMode).toBe("required");
    // RBAC instead of one shared AUTH token: the group names one user group, which holds a disabled default and one user per service.
    expect(cache.authToken).toBeUndefined();
    const [group] = run.ofType("aws:elasticache/userGroup:UserGroup");
    expect(cache.userGroupIds).toEqual([group!.outputs.userGroupId]);
    expect(group!.inputs.engine).toBe(cache.engine);
    const users = run.ofType("aws:elasticache/user:User");
    expect(users.map((user) => user.outputs.userId).sort()).toEqual([...group!.inputs.userIds].sort());
    const byName = Object.fromEntries(users.map((user) => [user.inputs.userName, user.inputs]));
    // Off whatever is presented; its generated password is handed to nothing (a Valkey group admits password users only).
    expect(byName.default).toMatchObject({ engine: cache.engine, accessString: "off -@all", authenticationMode: { type: "password" } });
    expect(generatedSecrets(run)).toEqual(expect.arrayContaining(byName.default.authenticationMode.passwords));
    for (const service of ["gateway", "coupon", "payment"] as const) {
      const user = byName[redisUserName(service)];
      expect(user, service).toMatchObject({ engine: cache.engine, accessString: accessString(service) });
      // Generated passwords, never literals in the program.
      expect(user.authenticationMode.type).toBe("password");
      expect(generatedSecrets(run)).toEqual(expect.arrayContaining(user.authenticationMode.passwords));
    }
  });

  it("never evicts cache keys: stock counters and buyer sets must not vanish under memory pressure", () => {
    const params = getRun().ofType(D.cacheParams)[0]!.inputs;
    expect(params.parameters).toContainEqual({ name: "maxmemory-policy", value: "noeviction" });
  });

  it("encrypts MySQL storage with its own key, requires TLS, uses utf8mb4 and IAM auth, and exports error and slow-query logs", () => {
    const run = getRun();
    const params = run.ofType(D.rdsParams)[0]!.inputs;
    expect(params.family).toBe("mysql8.4");
    expect(params.parameters).toContainEqual({ name: "require_secure_transport", value: "1" });
    expect(params.parameters).toContainEqual({ name: "character_set_server", value: "utf8mb4" });
    // Its own key: the instances, the credentials secret and Performance Insights are its only users.
    const key = kmsKeyByArn(run, primaryDatabase(run).inputs.kmsKeyId);
    expect(new Set(usersOf(run, key.outputs.arn).map((user) => user.type))).toEqual(new Set([D.rds, D.secret]));
    for (const db of run.ofType(D.rds)) {
      expect(db.inputs.storageEncrypted).toBe(true);
      expect(db.inputs.kmsKeyId).toBe(key.outputs.arn);
      expect(db.inputs.storageType).toBe("gp3");
      expect(db.inputs.parameterGroupName).toBe(params.name);
      expect(db.inputs.iamDatabaseAuthenticationEnabled).toBe(true);
      expect([...db.inputs.enabledCloudwatchLogsExports].sort()).toEqual(["error", "slowquery"]);
      // RDS exports to /aws/rds/instance/<identifier>/<log> (AWS's name): the stack must declare those groups.
      for (const log of ["error", "slowquery"]) logGroupNamed(run, `/aws/rds/instance/${db.inputs.identifier}/${log}`);
    }
    expect(primaryDatabase(run).inputs.engineVersion).toBe("8.4");
    expect(primaryDatabase(run).inputs.backupRetentionPeriod).toBe(getConfig().database.backupRetentionDays);
  });

  it("rotates every customer KMS key: one for each store, the cluster's secrets, the logs and the identity keys, and none unused", () => {
    const run = getRun();
    const keys = run.ofType(T.kmsKey);
    // Each key by what uses it; the keys' logical names (URN stability) are pinned by the plan snapshots in tests/plan.
    const used = [
      run.ofType(T.eksCluster)[0]!.inputs.encryptionConfigKeyArn,
      run.ofType(D.msk)[0]!.inputs.encryptionInfo.encryptionAtRestKmsKeyArn,
      run.ofType(D.cacheGroup)[0]!.inputs.kmsKeyId,
      primaryDatabase(run).inputs.kmsKeyId,
      ...new Set(run.ofType(T.logGroup).map((group) => group.inputs.kmsKeyId as string)),
      ...new Set(identityKeySecrets(run).map((secret) => secret.inputs.kmsKeyId as string)),
    ];
    expect(new Set(used).size).toBe(6);
    expect(used.map((arn) => kmsKeyByArn(run, arn).name).sort()).toEqual(keys.map((key) => key.name).sort());
    for (const key of keys) expect(key.inputs.enableKeyRotation).toBe(true);
  });

  it("sets broker durability for the broker count and keeps topic creation to the services", () => {
    const { brokerCount } = getConfig().kafka;
    const properties = getRun().ofType(D.mskConfig)[0]!.inputs.serverProperties as string;
    const replication = Math.min(3, brokerCount);
    expect(properties).toContain("auto.create.topics.enable=false");
    expect(properties).toContain(`default.replication.factor=${replication}`);
    expect(properties).toContain(`min.insync.replicas=${Math.max(1, replication - 1)}`);
    expect(properties).toContain("unclean.leader.election.enable=false");
    expect(getRun().ofType(D.msk)[0]!.inputs.numberOfBrokerNodes).toBe(brokerCount);
  });

  it("grows broker storage automatically up to the profile's ceiling, never shrinking it", () => {
    const run = getRun();
    const target = run.ofType(D.scalingTarget)[0]!.inputs;
    expect(target).toMatchObject({
      serviceNamespace: "kafka",
      scalableDimension: "kafka:broker-storage:VolumeSize",
      maxCapacity: getConfig().kafka.maxStorageGiB,
    });
    expect(target.resourceId).toBe(run.ofType(D.msk)[0]!.outputs.arn);
    const policy = run.ofType(D.scalingPolicy)[0]!.inputs.targetTrackingScalingPolicyConfiguration;
    expect(policy.disableScaleIn).toBe(true);
    expect(policy.predefinedMetricSpecification.predefinedMetricType).toBe("KafkaBrokerStorageUtilization");
  });

  it("keeps broker, cache and database logs in encrypted groups with the profile's retention", () => {
    const run = getRun();
    const config = getConfig();
    // Each group as the store names it: MSK's loggingInfo, the cache's log delivery, RDS's own naming.
    const msk = run.ofType(D.msk)[0]!.inputs;
    expect(msk.loggingInfo.brokerLogs.cloudwatchLogs).toEqual({ enabled: true, logGroup: `/${config.name}/msk/broker` });
    const groups: Array<[CapturedResource, number]> = [
      [logGroupNamed(run, msk.loggingInfo.brokerLogs.cloudwatchLogs.logGroup), config.kafka.logRetentionDays],
    ];
    const deliveries = run.ofType(D.cacheGroup)[0]!.inputs.logDeliveryConfigurations ?? [];
    expect(deliveries.map((delivery: any) => [delivery.logType, delivery.destinationType])).toEqual([["slow-log", "cloudwatch-logs"]]);
    groups.push([logGroupNamed(run, deliveries[0].destination), config.cache.logRetentionDays]);
    for (const db of run.ofType(D.rds)) {
      for (const log of db.inputs.enabledCloudwatchLogsExports) {
        groups.push([logGroupNamed(run, `/aws/rds/instance/${db.inputs.identifier}/${log}`), config.database.logRetentionDays]);
      }
    }
    for (const [group, days] of groups) {
      expect(group.inputs.retentionInDays, group.inputs.name).toBe(days);
      expect(kmsKeyByArn(run, group.inputs.kmsKeyId).inputs.enableKeyRotation).toBe(true);
    }
  });

  it("scopes the service roles' Kafka policies to the orders topic, the dead-letter topic and the settlement group", async () => {
    const run = getRun();
    const { outputs } = run;
    const producer = JSON.parse((await valueOf(outputs.kafkaProducerPolicy as pulumi.Output<string>))!);
    const consumer = JSON.parse((await valueOf(outputs.kafkaConsumerPolicy as pulumi.Output<string>))!);
    // The stack's own cluster: arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>; topics and groups share its prefix and path.
    const clusterArn = /^(arn:aws:kafka:[a-z0-9-]+:\d{12}):cluster\/([^/]+\/[^/]+)$/.exec(run.ofType(D.msk)[0]!.outputs.arn);
    expect(clusterArn, "the MSK cluster's ARN").not.toBeNull();
    const [, prefix, uuidPath] = clusterArn!;
    expect(uuidPath!.split("/")[0]).toBe(run.ofType(D.msk)[0]!.inputs.clusterName);
    const grants = (policy: any) =>
      policy.Statement.flatMap((st: any) => st.Action.map((action: string) => `${action} ${st.Resource}`)).sort();
    expect(grants(producer)).toEqual(
      [
        `kafka-cluster:Connect ${prefix}:cluster/${uuidPath}`,
        `kafka-cluster:CreateTopic ${prefix}:topic/${uuidPath}/coupon.orders`,
        `kafka-cluster:DescribeCluster ${prefix}:cluster/${uuidPath}`,
        `kafka-cluster:DescribeTopic ${prefix}:topic/${uuidPath}/coupon.orders`,
        `kafka-cluster:WriteData ${prefix}:topic/${uuidPath}/coupon.orders`,
        `kafka-cluster:WriteDataIdempotently ${prefix}:cluster/${uuidPath}`,
      ].sort(),
    );
    expect(grants(consumer)).toContain(`kafka-cluster:ReadData ${prefix}:topic/${uuidPath}/coupon.orders`);
    expect(grants(consumer)).toContain(`kafka-cluster:WriteData ${prefix}:topic/${uuidPath}/coupon.orders.dlq`);
    expect(grants(consumer)).toContain(`kafka-cluster:AlterGroup ${prefix}:group/${uuidPath}/payment-settlement`);
    expect(
      grants(consumer).filter((grant: string) => grant.startsWith("kafka-cluster:WriteData ") && grant.endsWith("/coupon.orders")),
    ).toEqual([]);
  });

  it("keeps the cache token and the database password in Secrets Manager under the stores' own keys", async () => {
    const run = getRun();
    const secrets = run.ofType(D.secret).filter((secret) => !identityKeySecrets(run).includes(secret));
    const name = getConfig().name;
    expect(secrets.map((s) => s.inputs.name).sort()).toEqual([
      `${name}/cache/users/coupon`,
      `${name}/cache/users/gateway`,
      `${name}/cache/users/payment`,
      `${name}/mysql/master`,
    ]);
    // Each secret as the stack publishes it: by the ARN its store's stack output gives.
    const published = async (output: string) => {
      const arn = await valueOf(run.outputs[output] as pulumi.Output<string>);
      const secret = secrets.find((s) => s.outputs.arn === arn);
      expect(secret, `the secret stack output ${output} names`).toBeDefined();
      return secret!;
    };
    const cacheUserArns = (await valueOf(run.outputs.cacheUserSecretArns as pulumi.Output<Record<string, string>>))!;
    for (const [service, arn] of Object.entries(cacheUserArns)) {
      const secret = secrets.find((s) => s.outputs.arn === arn)!;
      expect(secret.inputs.name).toBe(`${name}/cache/users/${service}`);
      expect(secret.inputs.kmsKeyId).toBe(run.ofType(D.cacheGroup)[0]!.inputs.kmsKeyId);
      const [version] = run.ofType(D.secretVersion).filter((v) => v.inputs.secretId === secret.id);
      const user = run.ofType("aws:elasticache/user:User").find((u) => u.inputs.userName === redisUserName(service as RedisService))!;
      expect(JSON.parse(version!.inputs.secretString)).toEqual({
        username: user.inputs.userName,
        password: user.inputs.authenticationMode.passwords[0],
      });
    }
    const databaseSecret = await published("databaseCredentialsSecretArn");
    const primary = primaryDatabase(run).inputs;
    expect(databaseSecret.inputs.kmsKeyId).toBe(primary.kmsKeyId);
    const versions = run.ofType(D.secretVersion).filter((version) => version.inputs.secretId === databaseSecret.id);
    expect(versions).toHaveLength(1);
    expect(JSON.parse(versions[0]!.inputs.secretString)).toMatchObject({
      username: "coupon_admin",
      password: primary.password,
      port: 3306,
      dbname: "coupon",
    });
  });

  it("lets no password or token reach a stack output that is not secret", async () => {
    const run = getRun();
    const secretValues = generatedSecrets(run);
    expect(secretValues.length).toBeGreaterThanOrEqual(2);
    let outputsCarryingSecrets = 0;
    for (const [name, output] of leafOutputs(run.outputs)) {
      const text = JSON.stringify(await valueOf(output)) ?? "";
      if (secretValues.some((value) => text.includes(value))) {
        outputsCarryingSecrets += 1;
        expect(await pulumi.isSecret(output), `stack output ${name} carries a secret`).toBe(true);
      }
    }
    expect(outputsCarryingSecrets).toBeGreaterThan(0);
    expect(await pulumi.isSecret(run.outputs.appConnections as pulumi.Output<unknown>)).toBe(true);
  });

  it("hands the services every connection detail as secrets, TLS on", async () => {
    const connections = (await valueOf(getRun().outputs.appConnections as pulumi.Output<any>))!;
    expect(connections.kafka).toMatchObject({
      auth: "msk-iam",
      tls: true,
      ordersTopic: { name: "coupon.orders" },
      deadLetterTopic: { name: "coupon.orders.dlq" },
      settlementGroup: "payment-settlement",
    });
    expect(connections.kafka.bootstrapBrokers).toMatch(/:9098(,|$)/);
    const run = getRun();
    expect(connections.redis).toMatchObject({ port: 6379, tls: true });
    for (const user of run.ofType("aws:elasticache/user:User").filter((u) => u.inputs.userName !== "default")) {
      const service = user.inputs.userName.replace("coupon-platform-", "");
      expect(connections.redis.users[service]).toEqual({
        username: user.inputs.userName,
        password: user.inputs.authenticationMode.passwords[0],
      });
    }
    expect(connections.mysql).toMatchObject({
      port: 3306,
      database: "coupon",
      username: "coupon_admin",
      tls: true,
      password: primaryDatabase(run).inputs.password,
    });
  });

  it("gives the pods exactly what the appConnections output says (one source for both)", async () => {
    const run = getRun();
    const connections = (await valueOf(run.outputs.appConnections as pulumi.Output<any>))!;
    const configOf = (app: string) =>
      run.ofType("kubernetes:core/v1:ConfigMap").find((c) => c.inputs.metadata.name === `${app}-config`)!.inputs.data;
    const secretOf = (app: string) =>
      run.ofType("kubernetes:core/v1:Secret").find((c) => c.inputs.metadata.name === `${app}-secret`)!.inputs.stringData;
    const { kafka, redis, mysql } = connections;
    for (const app of ["coupon", "payment"]) {
      expect(configOf(app)).toMatchObject({
        KAFKA_BROKERS: kafka.bootstrapBrokers,
        KAFKA_AUTH: kafka.auth,
        KAFKA_ORDERS_TOPIC: kafka.ordersTopic.name,
        KAFKA_TOPIC_PARTITIONS: String(kafka.ordersTopic.partitions),
        KAFKA_TOPIC_REPLICATION: String(kafka.ordersTopic.replicationFactor),
      });
    }
    expect(configOf("payment")).toMatchObject({
      KAFKA_DEAD_LETTER_TOPIC: kafka.deadLetterTopic.name,
      KAFKA_CONSUMER_GROUP: kafka.settlementGroup,
    });
    for (const app of ["coupon", "payment", "gateway"]) {
      // Each app signs in as its own user with an IAM auth token: no database password in its pods, and it never migrates.
      expect(configOf(app)).toMatchObject({
        MYSQL_HOST: mysql.writerHost,
        MYSQL_PORT: String(mysql.port),
        MYSQL_USER: `${app}_svc`,
        MYSQL_AUTH: "rds-iam",
        MYSQL_DATABASE: mysql.database,
        MIGRATE_ON_START: "false",
      });
      expect(secretOf(app).MYSQL_PASSWORD).toBeUndefined();
      expect(JSON.stringify(secretOf(app))).not.toContain(mysql.password);
      expect(secretOf(app)).toMatchObject({
        REDIS_URL: `rediss://${redis.users[app].username}:${redis.users[app].password}@${redis.host}:${redis.port}`,
      });
    }
    // The master user and its password reach one pod only: the release's migration Job.
    expect(configOf("db-migrate")).toMatchObject({ MYSQL_USER: mysql.username, MYSQL_HOST: mysql.writerHost, SERVICE_DB_AUTH: "rds-iam" });
    expect(secretOf("db-migrate")).toEqual({ MYSQL_PASSWORD: mysql.password });
  });
}
