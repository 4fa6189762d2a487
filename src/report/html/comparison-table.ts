import type { RunSummary } from "../../sim/metrics/run-summary.js";
import { comparisonRows } from "../comparison.js";
import { escapeHtml } from "./escape.js";

/** The comparison as an HTML table: the same rows as the terminal's. */
export function comparisonTable(summaries: readonly RunSummary[]): string {
  const head = summaries.map((s) => `<th scope="col">${escapeHtml(s.policy)}</th>`).join("");
  const rows: string[] = [];
  let section = "";
  for (const row of comparisonRows(summaries)) {
    const classes = [row.detail ? "detail" : "", row.section !== section ? "section" : ""]
      .filter((c) => c !== "")
      .join(" ");
    section = row.section;
    const klass = classes === "" ? "" : ` class="${classes}"`;
    const cells = row.values.map((v) => `<td>${escapeHtml(v)}</td>`).join("");
    rows.push(`<tr${klass}><th scope="row">${escapeHtml(row.label)}</th>${cells}</tr>`);
  }
  return (
    `<table class="comparison"><thead><tr><th scope="col">metric</th>${head}</tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`
  );
}
