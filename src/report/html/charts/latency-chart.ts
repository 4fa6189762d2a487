import type { RunSummary } from "../../../sim/metrics/run-summary.js";
import { formatNsAsUs } from "../../format.js";
import { CHART_WIDTH, PLOT_LEFT, PLOT_RIGHT, PLOT_TOP } from "../layout.js";
import { PERCENTILE_COLORS } from "../palette.js";
import { line, rect, svg, text } from "../svg.js";

const ROW_HEIGHT = 22;
const BAR_HEIGHT = 8;
/** Room on the right of a bar for its value. */
const VALUE_ROOM = 60;

/** A logarithmic latency axis, in nanoseconds, shared by every policy's chart. */
export interface LatencyScale {
  readonly minNs: number;
  readonly maxNs: number;
}

/** One row of bars: a label and its p50 and p99. */
interface LatencyRow {
  readonly label: string;
  readonly p50Ns: number | null;
  readonly p99Ns: number | null;
}

/**
 * A decade-aligned log scale covering every p50 and p99 of every run, or null when no
 * run received a frame. Log, because no VMQ on a saturated processor can be a thousand
 * times slower than the others and linear bars would hide the rest.
 */
export function latencyScale(summaries: readonly RunSummary[]): LatencyScale | null {
  const values = summaries.flatMap((s) => rowsOf(s).flatMap((r) => [r.p50Ns, r.p99Ns]));
  const positive = values.filter((v): v is number => v !== null && v > 0);
  if (positive.length === 0) return null;
  const minNs = 10 ** Math.floor(Math.log10(Math.min(...positive)));
  const maxNs = 10 ** Math.ceil(Math.log10(Math.max(...positive)));
  return { minNs, maxNs: maxNs > minNs ? maxNs : minNs * 10 };
}

/** Receive latency p50 and p99, over all frames and for each hardware queue. */
export function latencyChart(summary: RunSummary, scale: LatencyScale): string {
  const rows = rowsOf(summary);
  const left = PLOT_LEFT + 20;
  const width = CHART_WIDTH - left - PLOT_RIGHT - VALUE_ROOM;
  const x = (ns: number) =>
    left +
    ((Math.log10(Math.max(ns, scale.minNs)) - Math.log10(scale.minNs)) /
      (Math.log10(scale.maxNs) - Math.log10(scale.minNs))) *
      width;
  const bottom = PLOT_TOP + rows.length * ROW_HEIGHT;
  const body: string[] = [];
  for (let ns = scale.minNs; ns <= scale.maxNs; ns *= 10) {
    body.push(line(x(ns), PLOT_TOP, x(ns), bottom, "grid"));
    body.push(text(x(ns), bottom + 15, decade(ns), "middle", "tick"));
  }
  body.push(line(left, bottom, left + width, bottom, "axis"));
  rows.forEach((row, i) => {
    const top = PLOT_TOP + i * ROW_HEIGHT + 2;
    body.push(text(left - 6, top + BAR_HEIGHT + 4, row.label, "end", "label"));
    body.push(...bar(summary.policy, row, "p50", row.p50Ns, top, left, x));
    body.push(...bar(summary.policy, row, "p99", row.p99Ns, top + BAR_HEIGHT + 1, left, x));
  });
  const label = `receive latency, ${summary.policy}`;
  return svg(CHART_WIDTH, bottom + 24, label, body);
}

function bar(
  policy: string,
  row: LatencyRow,
  which: "p50" | "p99",
  ns: number | null,
  top: number,
  left: number,
  x: (ns: number) => number,
): string[] {
  if (ns === null) return [];
  const end = x(ns);
  const value = `${formatNsAsUs(ns)} us`;
  const title = `${policy}: ${row.label} ${which} ${value}`;
  return [
    rect(left, top, Math.max(1, end - left), BAR_HEIGHT, PERCENTILE_COLORS[which], title),
    text(Math.max(end, left + 1) + 4, top + BAR_HEIGHT - 1, `${which} ${value}`, "start", "value"),
  ];
}

/** "all" first, then each queue; queue -1 holds frames switched from VM to VM. */
function rowsOf(summary: RunSummary): LatencyRow[] {
  const all = { label: "all", p50Ns: summary.latencyNs.p50, p99Ns: summary.latencyNs.p99 };
  return [
    all,
    ...summary.perQueue.map((q) => ({
      label: q.queue < 0 ? "VM to VM" : `q${q.queue}`,
      p50Ns: q.p50Ns,
      p99Ns: q.p99Ns,
    })),
  ];
}

/** A power of ten of nanoseconds in the unit that keeps it whole: 1000 -> "1 us". */
function decade(ns: number): string {
  if (ns >= 1e6) return `${Math.round(ns / 1e6)} ms`;
  if (ns >= 1e3) return `${Math.round(ns / 1e3)} us`;
  return `${Math.round(ns)} ns`;
}
