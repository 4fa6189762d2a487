import type { RunSummary } from "../sim/metrics/run-summary.js";
import { formatDecimal, formatInteger, formatNsAsUs, formatPercent } from "./format.js";

/** One row of the side-by-side comparison: a label and one formatted value per run. */
export interface ComparisonRow {
  readonly label: string;
  readonly values: readonly string[];
  /** The row's group; the table draws a rule where the group changes. */
  readonly section: string;
  /** A breakdown of the row above (a drop reason), indented under it. */
  readonly detail: boolean;
}

type Cell = (s: RunSummary) => string;

/**
 * The comparison table's rows, one column per summary, shared by the terminal table and
 * the HTML report so the two always show the same numbers.
 */
export function comparisonRows(summaries: readonly RunSummary[]): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  const add = (section: string, label: string, cell: Cell, detail = false) =>
    rows.push({ section, label, values: summaries.map(cell), detail });

  add("traffic", "receive throughput (Gb/s)", (s) => formatDecimal(s.receiveGbps, 3));
  add("traffic", "frames injected", (s) => formatInteger(s.injected));
  add("traffic", "frames delivered", (s) => formatInteger(s.delivered));
  add("traffic", "frames dropped", (s) => formatInteger(s.droppedTotal));
  for (const reason of dropReasons(summaries)) {
    add("traffic", `dropped: ${reason}`, (s) => formatInteger(s.dropped[reason] ?? 0), true);
  }
  if (summaries.some((s) => s.inFlight !== 0)) {
    add("traffic", "frames in flight at the end", (s) => formatInteger(s.inFlight));
  }
  add("interrupts", "interrupts per second", (s) => formatInteger(s.interruptsPerSecond));
  add("interrupts", "frames per interrupt", (s) => formatDecimal(s.framesPerInterrupt, 2));
  const processors = Math.max(0, ...summaries.map((s) => s.processorUtilization.length));
  for (let p = 0; p < processors; p++) {
    add("processors", `cpu${p} utilisation (%)`, (s) => {
      const share = s.processorUtilization[p];
      return share === undefined ? "-" : formatPercent(share);
    });
  }
  add("processors", "processors used", (s) => formatInteger(s.processorsUsed));
  add("latency", "receive latency p50 (us)", (s) => formatNsAsUs(s.latencyNs.p50));
  add("latency", "receive latency p99 (us)", (s) => formatNsAsUs(s.latencyNs.p99));
  add("queues", "queue moves", (s) => formatInteger(s.queueMoves));
  add("queues", "out-of-order frames", (s) => formatInteger(s.outOfOrder));
  add("queues", "duplicate frames", (s) => formatInteger(s.duplicates));
  return rows;
}

/** Every drop reason any run counted, sorted so the rows come out in a stable order. */
export function dropReasons(summaries: readonly RunSummary[]): string[] {
  const reasons = new Set<string>();
  for (const s of summaries) {
    for (const [reason, n] of Object.entries(s.dropped)) if (n > 0) reasons.add(reason);
  }
  return [...reasons].sort();
}
