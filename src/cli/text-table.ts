import type { ComparisonRow } from "../report/comparison.js";

/**
 * The comparison rows as a plain-text table: labels left, values right-aligned, a rule
 * under the header and between sections, drop reasons indented under their total.
 */
export function formatTextTable(header: readonly string[], rows: readonly ComparisonRow[]): string {
  const labels = rows.map((r) => (r.detail ? `  ${r.label}` : r.label));
  const labelWidth = Math.max(header[0]?.length ?? 0, ...labels.map((l) => l.length));
  const columns = header.length - 1;
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max(header[c + 1]?.length ?? 0, ...rows.map((r) => r.values[c]?.length ?? 0)),
  );
  const render = (label: string, cells: readonly string[]) =>
    [label.padEnd(labelWidth), ...widths.map((w, c) => (cells[c] ?? "").padStart(w))]
      .join("  ")
      .trimEnd();
  const rule = "-".repeat(labelWidth + widths.reduce((sum, w) => sum + w + 2, 0));
  const lines = [render(header[0] ?? "", header.slice(1)), rule];
  rows.forEach((row, i) => {
    if (i > 0 && rows[i - 1]!.section !== row.section) lines.push("");
    lines.push(render(labels[i]!, row.values));
  });
  return lines.join("\n");
}

/** Breaks `text` into lines of at most `width` characters at spaces (longer words stay whole). */
export function wrapText(text: string, width: number): string {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (current !== "" && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current === "" ? word : `${current} ${word}`;
    }
  }
  if (current !== "") lines.push(current);
  return lines.join("\n");
}
