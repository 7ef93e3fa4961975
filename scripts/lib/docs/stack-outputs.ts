import * as fs from "fs";
import ts from "typescript";
import { markdownTable } from "./markers";

export interface StackOutput {
  readonly name: string;
  readonly description: string;
}

/** The program's outputs: every `export const` of its entry file, with its doc comment. */
export function stackOutputs(entryFile: string): StackOutput[] {
  const source = ts.createSourceFile(entryFile, fs.readFileSync(entryFile, "utf8"), ts.ScriptTarget.ES2022, true);
  return source.statements.filter(ts.isVariableStatement).flatMap((statement) => {
    if (!statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) return [];
    const description = ts
      .getJSDocCommentsAndTags(statement)
      .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "")
      .join(" ")
      .replace(/\s+/g, " ")
      .trim();
    return statement.declarationList.declarations.map((declaration) => ({ name: declaration.name.getText(source), description }));
  });
}

export function stackOutputsTable(entryFile: string): string {
  return markdownTable(
    ["output", "what it is"],
    stackOutputs(entryFile).map(({ name, description }) => [`\`${name}\``, description]),
  );
}
