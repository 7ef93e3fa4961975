import { describeKubernetesSchemas } from "./harness/kubernetes-schemas";

describeKubernetesSchemas("prod");
