import type { RunSummary } from "../../sim/metrics/run-summary.js";
import { escapeHtml } from "./escape.js";
import { processorColor } from "./palette.js";
import type { Period } from "./timeline.js";

/** A run with its time series ready to draw. */
export interface Run {
  readonly summary: RunSummary;
  readonly periods: readonly Period[];
}

/** A titled section of the page, with a line of explanation. */
export function section(heading: string, explain: string, body: string): string {
  const p = explain === "" ? "" : `<p class="explain">${escapeHtml(explain)}</p>`;
  return `<section><h2>${escapeHtml(heading)}</h2>${p}${body}</section>`;
}

/** One figure per policy, side by side. */
export function perPolicy(chart: string, runs: readonly Run[], draw: (run: Run) => string): string {
  const figures = runs.map(
    (run) =>
      `<figure data-chart="${chart}" data-policy="${escapeHtml(run.summary.policy)}">` +
      `<figcaption>${escapeHtml(run.summary.policy)}</figcaption>${draw(run)}</figure>`,
  );
  return `<div class="policies">${figures.join("")}</div>`;
}

/** Colour swatches with their names. */
export function legend(entries: readonly (readonly [string, string])[]): string {
  const spans = entries.map(
    ([name, color]) => `<span style="--swatch: ${color}">${escapeHtml(name)}</span>`,
  );
  return `<div class="legend">${spans.join("")}</div>`;
}

/** A swatch per processor, in the colours every chart uses for it. */
export function processorLegend(runs: readonly Run[]): string {
  const n = Math.max(0, ...runs.map((r) => r.summary.processorUtilization.length));
  return legend(Array.from({ length: n }, (_, p) => [`cpu${p}`, processorColor(p)] as const));
}
