import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ON_APP_NODES } from "../cluster/node-placement";
import type { ServiceConnections } from "../data/connections";
import type { PlatformContext } from "./app-service";
import { migrationJobMysql } from "./env/data-tier-env";
import { migrationJobNetworkPolicySpec } from "./network-policy";
import { RESTRICTED_CONTAINER } from "./pod-template";

/** The label the migration Job's pod carries; its NetworkPolicy selects it. */
export const MIGRATION_JOB_LABEL = { "coupon-platform.io/job": "db-migrate" };

export interface MigrationJobArgs {
  readonly platform: PlatformContext;
  /** An image of the release (every service image carries migrate.js). */
  readonly image: pulumi.Input<string>;
  readonly connections: ServiceConnections;
  readonly dataSubnetCidrs: readonly string[];
}

/**
 * The release's migration step, run once per image before any Rollout changes
 * (the Rollouts depend on it, and Pulumi waits for the Job to complete): the
 * schema, then the services' users (RDS IAM auth) and their grants. It is the only
 * pod holding the master password; the services never migrate on EKS. The Job's
 * name follows the image, so a new release runs a new Job and a failed one stops
 * the rollout before a pod of the new version starts.
 */
export function deployMigrationJob(name: string, args: MigrationJobArgs): k8s.batch.v1.Job {
  const { platform } = args;
  const opts = { provider: platform.provider, dependsOn: platform.namespaceReady };
  const labels = { ...MIGRATION_JOB_LABEL, "app.kubernetes.io/part-of": "coupon-platform" };
  const mysql = migrationJobMysql(args.connections);
  const metadata = (resourceName: string) => ({ name: resourceName, namespace: platform.namespace, labels });

  new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: metadata("db-migrate"), automountServiceAccountToken: false }, opts);
  const config = new k8s.core.v1.ConfigMap(
    `${name}-config`,
    { metadata: metadata("db-migrate-config"), data: { ...mysql.config, SERVICE_DB_AUTH: "rds-iam", LOG_LEVEL: "info" } },
    opts,
  );
  const secret = new k8s.core.v1.Secret(
    `${name}-secret`,
    {
      metadata: metadata("db-migrate-secret"),
      type: "Opaque",
      stringData: pulumi.secret(mysql.secrets as Record<string, pulumi.Input<string>>),
    },
    opts,
  );
  new k8s.networking.v1.NetworkPolicy(
    `${name}-netpol`,
    {
      metadata: metadata("db-migrate"),
      spec: migrationJobNetworkPolicySpec(MIGRATION_JOB_LABEL, args.dataSubnetCidrs, args.connections.mysql.port),
    },
    opts,
  );

  const jobName = pulumi.output(args.image).apply((image) => `db-migrate-${createHash("sha256").update(image).digest("hex").slice(0, 10)}`);
  return new k8s.batch.v1.Job(
    name,
    {
      metadata: { ...metadata("db-migrate"), name: jobName },
      spec: {
        backoffLimit: 2,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: "db-migrate",
            automountServiceAccountToken: false,
            restartPolicy: "Never",
            nodeSelector: ON_APP_NODES,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "migrate",
                image: args.image,
                command: ["node", "/app/migrate.js"],
                envFrom: [{ configMapRef: { name: config.metadata.name } }, { secretRef: { name: secret.metadata.name } }],
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                securityContext: RESTRICTED_CONTAINER,
              },
            ],
          },
        },
      },
    },
    { ...opts, customTimeouts: { create: "20m", update: "20m" } },
  );
}
