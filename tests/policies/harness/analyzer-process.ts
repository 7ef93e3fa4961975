import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { once } from "node:events";
import type { EnforcementLevel } from "@pulumi/policy";
import { REPO_ROOT } from "../../../scripts/lib/mock-stack/run-stack";

/**
 * The pack run the way the Pulumi engine runs it: `@pulumi/pulumi/cmd/run-policy-pack`
 * started in the pack's directory (ts-node compiles and type-checks it), the analyzer's
 * port read from its first line of output, and the engine's gRPC calls made to it
 * with the engine's own protobuf messages. Nothing of the pack is imported here.
 */

// The gRPC and protobuf copies @pulumi/pulumi itself uses, so messages are the classes its stubs expect.
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi"));
const grpc = pulumiRequire("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const analyzerService = pulumiRequire("./proto/analyzer_grpc_pb") as { AnalyzerClient: new (address: string, credentials: unknown) => any };
const analyzer = pulumiRequire("./proto/analyzer_pb") as any;
const structs = pulumiRequire("google-protobuf/google/protobuf/struct_pb") as any;
const empty = pulumiRequire("google-protobuf/google/protobuf/empty_pb") as any;

const LEVELS: Record<number, EnforcementLevel> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const LEVEL_CODES: Record<EnforcementLevel, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

export interface EngineDiagnostic {
  readonly policy: string;
  readonly level: EnforcementLevel;
  readonly message: string;
}

export interface AnalyzerProcess {
  policies(): Promise<{ name: string; level: EnforcementLevel; description: string }[]>;
  configure(config: Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>): Promise<void>;
  analyze(resource: { type: string; name: string; props: Record<string, unknown>; protect?: boolean }): Promise<EngineDiagnostic[]>;
  analyzeStack(resources: { type: string; name: string; props: Record<string, unknown>; protect?: boolean }[]): Promise<EngineDiagnostic[]>;
  stop(): Promise<void>;
}

export async function startAnalyzer(): Promise<AnalyzerProcess> {
  const packDir = path.join(REPO_ROOT, "policies");
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
  // The first argument is the engine's address; the pack only dials it to log, which these calls never trigger.
  const child: ChildProcess = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split("\n")[0]?.trim();
      if (stdout.includes("\n") && line) resolve(line);
    });
    child.once("exit", (code) => reject(new Error(`the policy pack exited (${code}) before serving:\n${stderr}`)));
  });
  const client = new analyzerService.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <T>(method: string, request: unknown) =>
    new Promise<T>((resolve, reject) =>
      client[method](request, (error: Error | null, response: T) => (error ? reject(error) : resolve(response))),
    );
  const diagnostics = (response: any): EngineDiagnostic[] =>
    response.getDiagnosticsList().map((d: any) => ({
      policy: d.getPolicyname(),
      level: LEVELS[d.getEnforcementlevel()] as EnforcementLevel,
      message: d.getMessage(),
    }));
  const resourceOptions = (protect: boolean) => new analyzer.AnalyzerResourceOptions().setProtect(protect);
  const urnOf = (type: string, name: string) => `urn:pulumi:test::coupon-platform::${type}::${name}`;

  return {
    async policies() {
      const info = await call<any>("getAnalyzerInfo", new empty.Empty());
      return info.getPoliciesList().map((p: any) => ({
        name: p.getName(),
        level: LEVELS[p.getEnforcementlevel()] as EnforcementLevel,
        description: p.getDescription(),
      }));
    },
    async configure(config) {
      const request = new analyzer.ConfigureAnalyzerRequest();
      for (const [name, entry] of Object.entries(config)) {
        const { enforcementLevel, ...settings } = typeof entry === "string" ? { enforcementLevel: entry } : entry;
        const policyConfig = new analyzer.PolicyConfig().setProperties(structs.Struct.fromJavaScript(settings));
        if (enforcementLevel) policyConfig.setEnforcementlevel(LEVEL_CODES[enforcementLevel]);
        request.getPolicyconfigMap().set(name, policyConfig);
      }
      await call("configure", request);
    },
    async analyze({ type, name, props, protect = false }) {
      const request = new analyzer.AnalyzeRequest()
        .setType(type)
        .setName(name)
        .setUrn(urnOf(type, name))
        .setProperties(structs.Struct.fromJavaScript(props))
        .setOptions(resourceOptions(protect));
      return diagnostics(await call("analyze", request));
    },
    async analyzeStack(resources) {
      const request = new analyzer.AnalyzeStackRequest().setResourcesList(
        resources.map(({ type, name, props, protect = false }) =>
          new analyzer.AnalyzerResource()
            .setType(type)
            .setName(name)
            .setUrn(urnOf(type, name))
            .setProperties(structs.Struct.fromJavaScript(props))
            .setOptions(resourceOptions(protect)),
        ),
      );
      return diagnostics(await call("analyzeStack", request));
    },
    async stop() {
      client.close();
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
    },
  };
}
