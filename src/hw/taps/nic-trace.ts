import type { Ticks } from "../../kernel/ticks.js";
import { formatTicks } from "../../kernel/ticks.js";
import { BoundedLog } from "../../util/bounded-log.js";
import type { Nic } from "../nic.js";

/** One traced event. */
export interface TraceEntry {
  readonly atTicks: Ticks;
  readonly kind: "read" | "write" | "msix";
  /** Register name with its instance (`RDT[3]`), or `vector 5` for a message. */
  readonly what: string;
  readonly value: number;
}

/**
 * A trace of what crosses the bus: every MMIO read and write (register name, instance,
 * value) and every MSI-X message, with simulated time. Bounded: it keeps the last
 * `capacity` entries (a long run cannot exhaust memory) and counts the rest.
 */
export class NicTrace {
  private readonly entries: BoundedLog<TraceEntry>;

  constructor(nic: Nic, scheduler: { readonly nowTicks: Ticks }, capacity = 10_000) {
    this.entries = new BoundedLog(capacity);
    const map = nic.regs.map;
    nic.regs.setAccessListener((op, _offset, value, regIndex, instance) => {
      const reg = map.registers[regIndex];
      const name =
        reg === undefined ? "?" : (reg.count ?? 1) > 1 ? `${reg.name}[${instance}]` : reg.name;
      this.entries.add({ atTicks: scheduler.nowTicks, kind: op, what: name, value });
    });
    nic.irq.tap((vector, _address, data, atTicks) => {
      this.entries.add({ atTicks, kind: "msix", what: `vector ${vector}`, value: data });
    });
  }

  /** Entries recorded, kept or not. */
  get total(): number {
    return this.entries.total;
  }

  /** The kept entries, oldest first. */
  recent(): TraceEntry[] {
    return this.entries.recent();
  }

  /** The kept entries as aligned text lines. */
  format(): string[] {
    return this.recent().map((e) => {
      const hex = `0x${e.value.toString(16).padStart(8, "0")}`;
      return `${formatTicks(e.atTicks).padStart(12)}  ${e.kind.padEnd(5)}  ${e.what.padEnd(14)} ${hex}`;
    });
  }
}
