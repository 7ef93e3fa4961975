import { UnknownValueError, type ReportViolation, type ResourceValidationArgs } from "@pulumi/policy";

/**
 * A resource validation that runs only on the given type tokens, handing the check
 * the resource's inputs typed as the program declares them.
 */
export function onTypes<Props>(
  types: string | readonly string[],
  check: (props: Props, args: ResourceValidationArgs, report: ReportViolation) => void,
): (args: ResourceValidationArgs, report: ReportViolation) => void {
  const wanted = new Set(typeof types === "string" ? [types] : types);
  return (args, report) => {
    if (wanted.has(args.type)) check(args.props as Props, args, report);
  };
}

/**
 * The value `read` returns, or undefined when it touches a value unknown during
 * preview. For stack rules: one resource whose input is not known yet must not hide
 * what the rule finds on the others.
 */
export function whenKnown<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof UnknownValueError) return undefined;
    throw error;
  }
}

/** Address ranges that mean "anyone on the internet". */
export function isOpenToTheWorld(cidr: unknown): boolean {
  return cidr === "0.0.0.0/0" || cidr === "::/0";
}

/** A resource's tags (AWS `tags`), as a plain map. */
export function tagsOf(props: Record<string, unknown>): Record<string, string> {
  const tags = props.tags;
  return typeof tags === "object" && tags !== null ? (tags as Record<string, string>) : {};
}
