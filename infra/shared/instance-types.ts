/**
 * EC2 instance type names: family letters, a generation digit, optional attribute
 * letters, a dot and a size (m7i.large, t3.micro, c7gn.2xlarge, m6i.metal).
 */
export const INSTANCE_TYPE_PATTERN = /^[a-z]+[0-9][a-z0-9-]*\.(nano|micro|small|medium|large|[0-9]*xlarge|metal(-[0-9]+xl)?)$/;

/**
 * The CPU architecture of an instance type, which picks the AMI. Graviton families
 * carry a "g" among the attribute letters after the generation digit (t4g, m7g,
 * c7gn, r8g); GPU and accelerator families (g5, p4d, inf2, trn1, dl1) do not count.
 */
export function cpuArchitecture(type: string): "arm64" | "x86_64" {
  const family = type.split(".")[0] ?? "";
  const accelerator = /^(g|p|inf|trn|dl|vt|f)[0-9]/.test(family);
  return !accelerator && /^[a-z]+[0-9]+[a-z]*g[a-z]*$/.test(family) ? "arm64" : "x86_64";
}
