import { AnalysisTemplate, Rollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1";
import { ScaledObject, TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, PodTemplate, Secret, Service, ServiceAccount } from "kubernetes-models/v1";
import { beforeAll, describe, expect, it } from "vitest";
import { runStack, type StackRun } from "../../../scripts/lib/mock-stack/run-stack";
import { crdSchemaModel } from "./crd-schema-model";

/** EKS installs this CRD itself; no model package covers it. */
const SecurityGroupPolicy = crdSchemaModel("tests/fixtures/security-group-policy-crd.yaml", "v1beta1");

/** A model per kind the kit renders; any other kind fails the test until it gets one. */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  "argoproj.io/v1alpha1/Rollout": Rollout,
  "argoproj.io/v1alpha1/AnalysisTemplate": AnalysisTemplate,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
  "keda.sh/v1alpha1/TriggerAuthentication": TriggerAuthentication,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "batch/v1/Job": Job,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "vpcresources.k8s.aws/v1beta1/SecurityGroupPolicy": SecurityGroupPolicy,
};

/** The object as the API server would receive it: Pulumi's own fields dropped. */
function manifest(inputs: Record<string, any>): Record<string, any> {
  const { apiVersion, kind, metadata, ...rest } = inputs;
  delete rest.__inputs;
  return { apiVersion, kind, metadata, ...rest };
}

/** Registers the schema tests for one stack (one stack per test file: Pulumi's runtime is global). */
export function describeKubernetesSchemas(stack: string): void {
  describe(`Kubernetes objects of the ${stack} stack`, () => {
    let run: StackRun;
    beforeAll(async () => {
      run = await runStack(stack);
    });

    it("validate against the Kubernetes, Argo Rollouts, KEDA and EKS (SecurityGroupPolicy) schemas", () => {
      const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh"));
      expect(objects.length).toBeGreaterThanOrEqual(30);
      for (const object of objects) {
        const key = `${object.inputs.apiVersion}/${object.inputs.kind}`;
        const Model = MODELS[key];
        expect(Model, `a schema model for ${key} (${object.name})`).toBeDefined();
        expect(() => new Model!(manifest(object.inputs)).validate(), `${key} ${object.name}`).not.toThrow();
      }
    });

    it("renders Rollout pod templates that are valid core PodTemplateSpecs", () => {
      for (const rollout of run.resources.filter((r) => r.inputs.kind === "Rollout")) {
        const template = new PodTemplate({ metadata: { name: rollout.inputs.metadata.name }, template: rollout.inputs.spec.template });
        expect(() => template.validate(), rollout.name).not.toThrow();
      }
    });

    it("catches a misspelt or empty SecurityGroupPolicy, which the API server would prune or refuse", () => {
      const policy = run.resources.find((r) => r.inputs.kind === "SecurityGroupPolicy")!;
      expect(() => new SecurityGroupPolicy(manifest(policy.inputs)).validate()).not.toThrow();
      const misspelt = manifest(structuredClone(policy.inputs));
      misspelt.spec.securityGroups = { groupIDs: misspelt.spec.securityGroups.groupIds };
      expect(() => new SecurityGroupPolicy(misspelt).validate()).toThrow(/additionalProperties/);
      const empty = manifest(structuredClone(policy.inputs));
      empty.spec.securityGroups.groupIds = [];
      expect(() => new SecurityGroupPolicy(empty).validate()).toThrow(/minItems|fewer than 1/);
    });

    it("catches a malformed object (the validation is not a no-op)", () => {
      const rollout = run.resources.find((r) => r.inputs.kind === "Rollout")!;
      const broken = manifest(structuredClone(rollout.inputs));
      broken.spec.template.spec.containers[0].ports[0].containerPort = "eighty";
      expect(() => new Rollout(broken as ConstructorParameters<typeof Rollout>[0]).validate()).toThrow();
    });
  });
}
