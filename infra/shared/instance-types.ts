/**
 * EC2 instance type names: family letters, a generation digit, optional attribute
 * letters, a dot and a size (m7i.large, t3.micro, c7gn.2xlarge, m6i.metal).
 */
export const INSTANCE_TYPE_PATTERN = /^[a-z]+[0-9][a-z0-9-]*\.(nano|micro|small|medium|large|[0-9]*xlarge|metal(-[0-9]+xl)?)$/;

/** The family of an instance type: the part before the size (m7i of m7i.large). */
export function instanceFamily(type: string): string {
  return type.split(".")[0] ?? "";
}

/**
 * The CPU architecture of an instance type, which picks the AMI. Graviton families
 * carry a "g" among the attribute letters after the generation digit (t4g, m7g,
 * c7gn, r8g); GPU and accelerator families (g5, p4d, inf2, trn1, dl1) do not count.
 */
export function cpuArchitecture(type: string): "arm64" | "x86_64" {
  const family = instanceFamily(type);
  const accelerator = /^(g|p|inf|trn|dl|vt|f)[0-9]/.test(family);
  return !accelerator && /^[a-z]+[0-9]+[a-z]*g[a-z]*$/.test(family) ? "arm64" : "x86_64";
}

/**
 * Families with no trunk network interface, so no pod on them can have security
 * groups of its own (amazon-vpc-resource-controller-k8s, pkg/aws/vpc/limits.go:
 * every size of these is IsTrunkingCompatible false). The burstable t families are
 * the common trap; the rest are previous generations.
 */
const FAMILIES_WITHOUT_POD_SECURITY_GROUPS = new Set(
  "t1 t2 t3 t3a t4g m1 m2 m3 m4 c1 c3 c4 r3 r4 x1 x1e i2 i3 d2 h1 p3 f1 u-6tb1".split(" "),
);

/** Whether pods on this instance type can get their own security groups (a branch network interface). */
export function supportsPodSecurityGroups(type: string): boolean {
  return !FAMILIES_WITHOUT_POD_SECURITY_GROUPS.has(instanceFamily(type));
}
