import type { Ticks } from "../../kernel/ticks.js";
import { BoundedLog } from "../../util/bounded-log.js";

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
  private readonly entries: BoundedLog<AccessAnomaly>;
  readonly totals: Record<AccessAnomalyKind, number> = {
    unmapped: 0,
    unaligned: 0,
    "ro-write": 0,
    "reserved-write": 0,
  };

  constructor(capacity = 256) {
    this.entries = new BoundedLog(capacity);
  }

  add(entry: AccessAnomaly): void {
    this.totals[entry.kind]++;
    this.entries.add(entry);
  }

  /** The retained entries, oldest first. */
  recent(): AccessAnomaly[] {
    return this.entries.recent();
  }

  /** The total number of anomalies recorded, retained or not. */
  get total(): number {
    return this.entries.total;
  }
}
