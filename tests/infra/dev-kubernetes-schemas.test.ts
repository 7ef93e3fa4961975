import { describeKubernetesSchemas } from "./harness/kubernetes-schemas";

describeKubernetesSchemas("dev");
