/**
 * Test-side parsing of the generated page, written independently of the renderer so
 * that a renderer bug cannot hide itself.
 */

/** Each register's section of the page (its `### NAME` heading up to the next anchor), by name. */
export function registerSections(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const part of markdown.split(/^<a id="/m)) {
    const heading = /^### (\S+)$/m.exec(part);
    if (part.startsWith("reg-") && heading?.[1] !== undefined) sections.set(heading[1], part);
  }
  return sections;
}

/** The bit ranges of a section's field table rows (`| [31:27] |` or `| [26] |`). */
export function fieldTableBits(section: string): { msb: number; lsb: number }[] {
  const rows = section.matchAll(/^\| \[(\d+)(?::(\d+))?\] \|/gm);
  return [...rows].map((m) => ({ msb: Number(m[1]), lsb: Number(m[2] ?? m[1]) }));
}

/** The field table rows of a section, as cells: Bits, Type, Reset, Name, Description. */
export function fieldTableRows(section: string): string[][] {
  return section
    .split("\n")
    .filter((line) => line.startsWith("| ["))
    .map((line) =>
      line
        .slice(2, -2)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

/** Each descriptor format's section (its `### NAME` heading up to the next anchor), by name. */
export function descriptorSections(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const part of markdown.split(/^<a id="/m)) {
    const heading = /^### (\S+)$/m.exec(part);
    if (part.startsWith("desc-") && heading?.[1] !== undefined) sections.set(heading[1], part);
  }
  return sections;
}

/** One row of a descriptor layout table: `| 2 | [0] | STAT_DD | Descriptor done. |`. */
export interface LayoutRow {
  readonly dword: number;
  readonly msb: number;
  readonly lsb: number;
  readonly name: string;
  readonly desc: string;
}

/** The layout table rows of a descriptor section, in page order. */
export function layoutRows(section: string): LayoutRow[] {
  const rows = section.matchAll(/^\| (\d+) \| \[(\d+)(?::(\d+))?\] \| ([^|]+) \| (.*) \|$/gm);
  return [...rows].map((m) => ({
    dword: Number(m[1]),
    msb: Number(m[2]),
    lsb: Number(m[3] ?? m[2]),
    name: m[4]!.trim(),
    desc: m[5]!.trim(),
  }));
}
