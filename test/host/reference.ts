// Test-side oracles for the host model, written from the specification (the issue and
// src/host/host-services.ts's description of execution), never from src/host's code.

const TICKS_PER_SECOND = 1_000_000_000_000n;

/**
 * A clock's edges from its frequency alone, in exact integer arithmetic: edge n is at
 * floor(n * 1e12 / hz) ticks.
 */
export class Edges {
  readonly hz: bigint;
  constructor(hz: number) {
    this.hz = BigInt(hz);
  }
  /** The tick of edge n. */
  at(n: number | bigint): number {
    return Number((BigInt(n) * TICKS_PER_SECOND) / this.hz);
  }
  /** The number of the first edge at or after tick t: ceil(t * hz / 1e12). */
  indexAtOrAfter(t: number): bigint {
    const num = BigInt(t) * this.hz;
    return (num + TICKS_PER_SECOND - 1n) / TICKS_PER_SECOND;
  }
  /** The first edge at or after tick t. */
  atOrAfter(t: number): number {
    return this.at(this.indexAtOrAfter(t));
  }
  isEdge(t: number): boolean {
    return this.atOrAfter(t) === t;
  }
  /** t, or t + 1 when t is an edge (the clocks used have periods of several ticks). */
  offEdge(t: number): number {
    return this.isEdge(t) ? t + 1 : t;
  }
}

export interface RefItem {
  readonly id: number;
  readonly processor: number;
  readonly priority: "isr" | "dpc";
  /** Never an edge of the processor's clock, so no tie with a dispatch decision. */
  readonly queuedTicks: number;
  /** Every cycle the item costs (fixed costs and the routine's charges), a multiple of 0.5. */
  readonly cycles: number;
}

export interface RefTiming {
  readonly start: number;
  readonly end: number;
}

/**
 * The reference scheduler: for each processor independently, one item at a time; when
 * the processor is free at F and the earliest waiting-or-future item was queued at q, the
 * next start is s = max(F, first edge at or after q); among the items queued by s it
 * takes the earliest-queued ISR, else the earliest-queued DPC; the item keeps the
 * processor for ceil(cycles) cycles: it ends at the edge that many cycles after s.
 */
export function referenceSchedule(items: readonly RefItem[], edges: Edges): Map<number, RefTiming> {
  const out = new Map<number, RefTiming>();
  const byProcessor = new Map<number, RefItem[]>();
  for (const item of items) {
    const list = byProcessor.get(item.processor) ?? [];
    list.push(item);
    byProcessor.set(item.processor, list);
  }
  for (const list of byProcessor.values()) {
    const remaining = [...list].sort((a, b) => a.queuedTicks - b.queuedTicks || a.id - b.id);
    let free = Number.NEGATIVE_INFINITY;
    while (remaining.length > 0) {
      const s = Math.max(free, edges.atOrAfter(remaining[0]!.queuedTicks));
      const eligible = remaining.filter((it) => it.queuedTicks <= s);
      const pick = eligible.find((it) => it.priority === "isr") ?? eligible[0]!;
      remaining.splice(remaining.indexOf(pick), 1);
      const startIndex = edges.indexAtOrAfter(s);
      const end = edges.at(startIndex + BigInt(Math.ceil(pick.cycles)));
      out.set(pick.id, { start: s, end });
      free = end;
    }
  }
  return out;
}

/** The exact nearest-rank q-quantile of `values`. */
export function exactPercentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}
