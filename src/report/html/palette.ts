/**
 * Colours. Processors keep the same colour in every chart (a queue on cpu2 is cpu2's
 * colour in the placement strips, in the interrupt lines, everywhere).
 */
const CATEGORICAL = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
] as const;

/** Processor `p`'s colour: a fixed palette, then hues a golden angle apart. */
export function processorColor(p: number): string {
  const fixed = CATEGORICAL[p];
  if (fixed !== undefined) return fixed;
  const hue = Math.round((p * 137.508) % 360);
  return `hsl(${hue} 55% 50%)`;
}

/** Where a processor's time went: interrupt entry and ISRs, DPCs, the virtual switch. */
export const KIND_COLORS = { isr: "#e15759", dpc: "#4e79a7", switch: "#59a14f" } as const;

/** The n-th series colour for things that are not processors (drop reasons). */
export function seriesColor(n: number): string {
  return processorColor(n + 2);
}

/** p50 and p99 bars. */
export const PERCENTILE_COLORS = { p50: "#9ecae1", p99: "#3182bd" } as const;
