import * as pulumi from "@pulumi/pulumi";

/**
 * Stack config that cannot build a safe platform. A RunError makes Pulumi print the
 * message alone (no stack trace), before any resource is declared.
 */
export class PlatformConfigError extends pulumi.RunError {
  constructor(
    readonly problems: readonly string[],
    context: string,
  ) {
    super(`Invalid stack config (${context}):\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "PlatformConfigError";
  }
}
