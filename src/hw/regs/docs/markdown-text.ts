import type { RegisterMap } from "../register-map.js";

/** Text made safe for one table cell: a pipe would end the cell, a newline the row. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

/** A markdown table; `align` is one of `l`, `c`, `r` per column (default left). */
export function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  align = "",
): string[] {
  const rule = head.map((_, i) => ({ c: ":-:", r: "--:" })[align[i] ?? ""] ?? "---");
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(head), `|${rule.join("|")}|`, ...rows.map(line)];
}

/** The anchor of a register's section; explicit, so links do not depend on a renderer's slugs. */
export function registerAnchor(name: string): string {
  return `reg-${name.toLowerCase()}`;
}

/** The anchor of a group's section. */
export function groupAnchor(name: string): string {
  return `group-${name.toLowerCase()}`;
}

/** The anchor of the descriptor formats part of the page. */
export const DESCRIPTORS_ANCHOR = "descriptors";

/** The anchor of a descriptor format's section. */
export function descriptorAnchor(name: string): string {
  return `desc-${name.toLowerCase()}`;
}

/** A link to register `name`, or just its name in code when this map has no such register. */
export function registerRef(map: RegisterMap, name: string): string {
  return map.byName(name) === undefined ? `\`${name}\`` : `[${name}](#${registerAnchor(name)})`;
}

/** An explicit anchor line to put before a heading. */
export function anchor(id: string): string {
  return `<a id="${id}"></a>`;
}
