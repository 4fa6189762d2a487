import type { Ticks } from "../../kernel/ticks.js";

/** Register accesses the device ignores, as the reference defines them. */
export type AccessAnomalyKind = "unmapped" | "unaligned" | "ro-write" | "reserved-write";

/** One ignored (or partly ignored) access. */
export interface AccessAnomaly {
  readonly kind: AccessAnomalyKind;
  readonly op: "read" | "write";
  readonly offset: number;
  /** The value written (0 for reads). */
  readonly value: number;
  readonly atTicks: Ticks;
}

/**
 * A bounded record of ignored accesses, for debuggers and tests: the last `capacity`
 * entries and a total per kind. It never throws and never grows without bound, so a
 * driver stuck in a loop of bad accesses cannot exhaust memory.
 */
export class AccessLog {
  readonly capacity: number;
  private readonly entries: AccessAnomaly[] = [];
  private next = 0;
  readonly totals: Record<AccessAnomalyKind, number> = {
    unmapped: 0,
    unaligned: 0,
    "ro-write": 0,
    "reserved-write": 0,
  };

  constructor(capacity = 256) {
    this.capacity = capacity;
  }

  add(entry: AccessAnomaly): void {
    this.totals[entry.kind]++;
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** The retained entries, oldest first. */
  recent(): AccessAnomaly[] {
    if (this.entries.length < this.capacity) return [...this.entries];
    return [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
  }

  /** The total number of anomalies recorded, retained or not. */
  get total(): number {
    const t = this.totals;
    return t.unmapped + t.unaligned + t["ro-write"] + t["reserved-write"];
  }
}
