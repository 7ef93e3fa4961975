/**
 * Generated sections sit between a pair of HTML comments, invisible on GitHub:
 *
 *     <!-- generated:stack-keys -->
 *     …rendered by npm run docs, never edited by hand…
 *     <!-- /generated:stack-keys -->
 */
const begin = (name: string) => `<!-- generated:${name} -->`;
const end = (name: string) => `<!-- /generated:${name} -->`;

/** The text with the named section's body replaced; an error names the file when a marker is missing. */
export function replaceSection(text: string, name: string, body: string, file: string): string {
  const start = text.indexOf(begin(name));
  if (start < 0) throw new Error(`${file}: no ${begin(name)} marker`);
  const stop = text.indexOf(end(name), start);
  if (stop < 0) throw new Error(`${file}: ${begin(name)} has no closing ${end(name)}`);
  return `${text.slice(0, start)}${begin(name)}\n${body.trimEnd()}\n${text.slice(stop)}`;
}

/**
 * Every section name a document carries. A name may appear once: only the first copy
 * would be rendered, and the second would go stale without the check noticing.
 */
export function sectionsIn(text: string, file: string): string[] {
  const names = [...text.matchAll(/<!-- generated:([a-z0-9-]+) -->/g)].map((match) => match[1] ?? "");
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new Error(`${file}: ${begin(repeated)} appears more than once`);
  return names;
}

/** A Markdown table; pipes inside cells are escaped. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ].join("\n");
}
