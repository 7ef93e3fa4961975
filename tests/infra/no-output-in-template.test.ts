import * as path from "path";
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { REPO_ROOT } from "../../scripts/lib/mock-stack/run-stack";

/**
 * An Output inside a plain template literal renders as "Calling [toString] on an
 * [Output<T>] is not supported…" instead of its value: the program must use
 * pulumi.interpolate or an apply. The type checker finds every such place in infra/.
 */
function outputsInTemplates(rootNames: readonly string[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(REPO_ROOT, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!config) throw new Error("tsconfig.json could not be read");
  const program = ts.createProgram({ rootNames, options: config.options });
  const checker = program.getTypeChecker();
  const isOutput = (type: ts.Type): boolean => {
    if (type.isUnion()) return type.types.some(isOutput);
    const name = (type.aliasSymbol ?? type.getSymbol())?.getName();
    return name === "Output" || name === "OutputInstance";
  };
  const found: string[] = [];
  for (const file of program.getSourceFiles().filter((f) => rootNames.includes(path.resolve(f.fileName)))) {
    const visit = (node: ts.Node): void => {
      if (ts.isTemplateSpan(node) && isOutput(checker.getTypeAtLocation(node.expression))) {
        // A tagged template (pulumi.interpolate`…`) resolves Outputs itself.
        if (!ts.isTaggedTemplateExpression(node.parent.parent)) {
          const { line } = file.getLineAndCharacterOfPosition(node.expression.getStart());
          found.push(`${path.relative(REPO_ROOT, file.fileName)}:${line + 1} \${${node.expression.getText()}}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return found;
}

describe("Outputs in template literals", () => {
  it("appear nowhere in the program (infra/)", () => {
    const files = ts.sys.readDirectory(path.join(REPO_ROOT, "infra"), [".ts"]).map((file) => path.resolve(file));
    expect(files.length).toBeGreaterThan(20);
    expect(outputsInTemplates(files)).toEqual([]);
  }, 60_000);

  it("are found where they are, and pulumi.interpolate is not one", () => {
    const sample = path.join(REPO_ROOT, "tests", "fixtures", "output-in-template.ts");
    expect(outputsInTemplates([sample])).toEqual(["tests/fixtures/output-in-template.ts:6 ${bucket.arn}", "tests/fixtures/output-in-template.ts:7 ${bucket.arn.apply((arn) => arn)}"]);
  }, 60_000);
});
