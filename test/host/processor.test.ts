import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HostMemory } from "../../src/bus/host-memory.js";
import { Host, type HostOptions } from "../../src/host/host.js";
import type { WorkKind } from "../../src/host/host-services.js";
import { msiAddressFor } from "../../src/host/interrupt-controller.js";
import type { WorkRecord } from "../../src/host/processor.js";
import { Scheduler } from "../../src/kernel/scheduler.js";
import { Edges } from "./reference.js";

const US = 1_000_000;
const NO_FIXED_COSTS = {
  interruptCycles: 0,
  isrCycles: 0,
  dpcCycles: 0,
  rxFrameCycles: 0,
  txFrameCycles: 0,
  copyByteCycles: 0,
};

function rig(options: HostOptions) {
  const scheduler = new Scheduler();
  const host = new Host(scheduler, new HostMemory(), options);
  const records: WorkRecord[] = [];
  for (let p = 0; p < host.processorCount; p++) {
    host.processor(p).onWork((r) => records.push({ ...r }));
  }
  return { scheduler, host, records };
}

/** Sends vector `vector`'s message to processor `p` through the interrupt controller. */
function interrupt(host: Host, vector: number, p: number): void {
  host.interruptController.message(vector, msiAddressFor(p), 0x40 + p, host.nowTicks());
}

describe("a saturated processor", () => {
  it("is busy 100% of every window and its DPC queue keeps growing", () => {
    // Demand: a 1500-cycle DPC every microsecond on a 1 GHz processor: 150% of its cycles.
    const { scheduler, host } = rig({
      processors: 2,
      clockHz: 1_000_000_000,
      costs: NO_FIXED_COSTS,
      windowTicks: 10 * US,
    });
    const every = scheduler.timer("load", () => {
      host.queueDpc(1, () => host.charge("rx", 1500));
      every.scheduleIn(US);
    });
    every.scheduleAt(0);
    const depth: number[] = [];
    for (let t = 10; t <= 200; t += 10) {
      scheduler.runUntil(t * US - 1);
      depth.push(host.processor(1).queuedDpcs);
    }
    scheduler.runUntil(200 * US);
    const windows = host.utilizationWindows(1);
    expect(windows).toHaveLength(20);
    for (const w of windows) expect(w.utilization).toBe(1);
    expect(host.utilization(1)).toBe(1);
    expect(host.utilization(0)).toBe(0);
    // Each 10 us, 10 DPCs arrive and 10000 / 1500 = 6.67 run: the backlog grows.
    for (let i = 1; i < depth.length; i++) expect(depth[i]!).toBeGreaterThan(depth[i - 1]!);
    expect(depth.at(-1)!).toBeGreaterThanOrEqual(60);
  });

  it("saturates at 3 GHz too, with ISRs and DPCs mixed", () => {
    const { scheduler, host } = rig({ processors: 1, windowTicks: 5 * US });
    host.connectInterrupt(3, () => {
      host.charge("rx", 4000);
      host.queueDpc(0, () => host.charge("rx", 6000));
    });
    // An interrupt every 2 us needs 1500 + 500 + 4000 + 1000 + 6000 = 13000 cycles per
    // 6000 available.
    const every = scheduler.timer("irq", () => {
      interrupt(host, 3, 0);
      every.scheduleIn(2 * US);
    });
    every.scheduleAt(0);
    scheduler.runUntil(100 * US);
    expect(host.utilizationWindows(0).map((w) => w.utilization)).toEqual(new Array(20).fill(1));
    expect(host.utilization(0)).toBe(1);
    expect(host.processor(0).queuedDpcs + host.processor(0).queuedIsrs).toBeGreaterThan(20);
  });
});

describe("utilisation", () => {
  it("equals the cycles the routines charged over the elapsed time", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1_000_000_000, 2_500_000_000, 500_000_000),
        fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: 40 * US }),
            isr: fc.boolean(),
            charges: fc.array(
              fc.tuple(
                fc.constantFrom<WorkKind>("rx", "tx", "copy", "switch", "other"),
                fc.integer({ min: 0, max: 5000 }),
              ),
              { maxLength: 4 },
            ),
          }),
          { maxLength: 40 },
        ),
        (hz, items) => {
          const costs = { ...NO_FIXED_COSTS, interruptCycles: 700, isrCycles: 300, dpcCycles: 900 };
          const { scheduler, host } = rig({ processors: 1, clockHz: hz, costs, windowTicks: US });
          const charged: Record<string, number> = {};
          const add = (kind: string, cycles: number) => {
            charged[kind] = (charged[kind] ?? 0) + cycles;
          };
          let total = 0;
          items.forEach((item, i) => {
            const routine = () => {
              for (const [kind, cycles] of item.charges) {
                host.charge(kind, cycles);
                add(kind, cycles);
                total += cycles;
              }
            };
            if (item.isr) {
              host.connectInterrupt(i, routine);
              add("interrupt", 700);
              add("isr", 300);
              total += 1000;
            } else {
              add("dpc", 900);
              total += 900;
            }
            scheduler.at(item.at, "queue", () =>
              item.isr ? interrupt(host, i, 0) : host.queueDpc(0, routine),
            );
          });
          scheduler.runUntilIdle();
          // Stop at a window boundary past the last busy period.
          const end = (Math.floor(scheduler.nowTicks / US) + 1) * US;
          scheduler.runUntil(end);
          const periodTicks = 1e12 / hz; // a whole number for these clocks
          expect(host.processor(0).busyTicks()).toBe(total * periodTicks);
          expect(host.utilization(0)).toBeCloseTo((total * periodTicks) / end, 12);
          const windowSum = host.utilizationWindows(0).reduce((s, w) => s + w.busyTicks, 0);
          expect(windowSum).toBe(total * periodTicks);
          const byKind = host.busyCyclesByKind(0);
          for (const [kind, cycles] of Object.entries(byKind)) {
            expect(cycles, kind).toBe(charged[kind] ?? 0);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("splits a busy period exactly across the windows it spans", () => {
    // 1 GHz: a cycle is 1000 ticks; windows of 2 us; one DPC of 7300 cycles queued at 0.5 us.
    const { scheduler, host } = rig({
      processors: 1,
      clockHz: 1_000_000_000,
      costs: NO_FIXED_COSTS,
      windowTicks: 2 * US,
    });
    scheduler.at(US / 2, "q", () => host.queueDpc(0, () => host.charge("other", 7300)));
    scheduler.runUntil(5 * US);
    // Busy [0.5 us, 7.8 us): so far windows [0,2) 1.5 us and [2,4) full are complete.
    expect(host.utilizationWindows(0).map((w) => w.busyTicks)).toEqual([1.5 * US, 2 * US]);
    // Mid-period, the whole-run figure counts the busy period up to now.
    expect(host.processor(0).busyTicks()).toBe(4.5 * US);
    scheduler.runUntil(10 * US);
    expect(host.utilizationWindows(0)).toEqual([
      { startTicks: 0, endTicks: 2 * US, busyTicks: 1.5 * US, utilization: 0.75 },
      { startTicks: 2 * US, endTicks: 4 * US, busyTicks: 2 * US, utilization: 1 },
      { startTicks: 4 * US, endTicks: 6 * US, busyTicks: 2 * US, utilization: 1 },
      { startTicks: 6 * US, endTicks: 8 * US, busyTicks: 1.8 * US, utilization: 0.9 },
      { startTicks: 8 * US, endTicks: 10 * US, busyTicks: 0, utilization: 0 },
    ]);
    expect(host.utilization(0)).toBeCloseTo(0.73, 12);
  });

  it("keeps only the last windowCount windows", () => {
    const { scheduler, host } = rig({
      processors: 1,
      clockHz: 1_000_000_000,
      costs: NO_FIXED_COSTS,
      windowTicks: US,
      windowCount: 3,
    });
    // One cycle-long DPC at the start of every microsecond, charged t+1 cycles in window t.
    for (let t = 0; t < 10; t++) {
      scheduler.at(t * US + 1, "q", () => host.queueDpc(0, () => host.charge("other", t + 1)));
    }
    scheduler.runUntil(10 * US);
    expect(host.utilizationWindows(0).map((w) => [w.startTicks, w.busyTicks])).toEqual([
      [7 * US, 8000],
      [8 * US, 9000],
      [9 * US, 10000],
    ]);
    expect(host.processor(0).busyTicks()).toBe(55_000);
  });
});

describe("priorities and the absence of preemption", () => {
  it("starts every waiting ISR before DPCs queued earlier, after the running item ends", () => {
    const { scheduler, host, records } = rig({
      processors: 1,
      clockHz: 1_000_000_000,
      costs: NO_FIXED_COSTS,
    });
    const order: string[] = [];
    const dpc = (name: string, cycles: number) => () => {
      order.push(name);
      host.charge("other", cycles);
    };
    host.connectInterrupt(5, () => order.push("X"));
    host.connectInterrupt(6, () => order.push("Y"));
    scheduler.at(0, "a", () => host.queueDpc(0, dpc("A", 10_000)));
    scheduler.at(1 * US, "bc", () => {
      host.queueDpc(0, dpc("B", 100));
      host.queueDpc(0, dpc("C", 100));
    });
    scheduler.at(2 * US, "x", () => interrupt(host, 5, 0));
    scheduler.at(3 * US, "y", () => interrupt(host, 6, 0));
    scheduler.runUntil(20 * US);
    expect(order).toEqual(["A", "X", "Y", "B", "C"]);
    // X waits for A's whole busy period (no preemption), and zero-cost ISRs take no time.
    expect(records.map((r) => [r.priority, r.startTicks, r.endTicks])).toEqual([
      ["dpc", 0, 10 * US],
      ["isr", 10 * US, 10 * US],
      ["isr", 10 * US, 10 * US],
      ["dpc", 10 * US, 10.1 * US],
      ["dpc", 10.1 * US, 10.2 * US],
    ]);
  });

  it("runs a DPC queued by an ISR after the ISR and every other waiting ISR", () => {
    const { scheduler, host } = rig({ processors: 2, clockHz: 1_000_000_000 });
    const order: string[] = [];
    host.connectInterrupt(0, (vector, p) => {
      order.push(`isr${vector}@${p}`);
      host.queueDpc(p, (q) => order.push(`dpc${vector}@${q}`));
    });
    host.connectInterrupt(1, (vector, p) => {
      order.push(`isr${vector}@${p}`);
      host.queueDpc(p, (q) => order.push(`dpc${vector}@${q}`));
    });
    scheduler.at(1, "irqs", () => {
      interrupt(host, 0, 1);
      interrupt(host, 1, 1);
    });
    scheduler.runUntil(20 * US);
    expect(order).toEqual(["isr0@1", "isr1@1", "dpc0@1", "dpc1@1"]);
    expect(host.interrupts(1)).toBe(2);
    expect(host.interrupts(0)).toBe(0);
    expect(host.processor(1).dpcsRun).toBe(2);
    // Default costs: 1500 + 500 per ISR, 1000 per DPC, at 1 GHz; the first starts at 1 ns.
    expect(host.processor(1).busyTicks()).toBe(6000 * 1000);
  });
});

describe("DPC latency", () => {
  it("is start minus queue time, checked against a hand-worked schedule", () => {
    // 3 GHz (edges at floor(n * 1000 / 3)); dpcCycles 1000 plus the routines' charges.
    const edges = new Edges(3_000_000_000);
    const { scheduler, host } = rig({
      processors: 1,
      costs: { ...NO_FIXED_COSTS, dpcCycles: 1000 },
    });
    const queued = [100, 200, 5_000_050];
    for (const at of queued)
      scheduler.at(at, "q", () => host.queueDpc(0, () => host.charge("rx", 2000)));
    scheduler.runUntil(10 * US);
    // First: queued at 100, starts on edge 1 (333), 3000 cycles: ends on edge 3001.
    // Second: waits for it. Third: the processor is idle, it starts at the next edge.
    const s1 = edges.atOrAfter(100);
    const s2 = edges.at(3001);
    const s3 = edges.atOrAfter(5_000_050);
    const latencies = [s1 - 100, s2 - 200, s3 - 5_000_050];
    const h = host.processor(0).dpcLatency;
    expect(h.count).toBe(3);
    expect(h.minTicks).toBe(Math.min(...latencies));
    expect(h.maxTicks).toBe(Math.max(...latencies));
    expect(h.sumTicks).toBe(latencies.reduce((a, b) => a + b));
    expect(host.dpcLatencyPercentile(0, 0)).toBe(Math.min(...latencies));
    expect(host.dpcLatencyPercentile(0, 1)).toBe(Math.max(...latencies));
    // 233 ps (exact below 256), 283 ps, and 2 cycles short of 1 us.
    expect(latencies).toEqual([233, edges.at(3001) - 200, 283]);
    expect(host.dpcLatencyPercentile(0, 1 / 3)).toBe(233);
    const median = host.dpcLatencyPercentile(0, 0.5)!;
    expect(median).toBeGreaterThanOrEqual(283);
    expect(median).toBeLessThanOrEqual(283 * (1 + 1 / 128));
  });

  it("is undefined before any DPC", () => {
    const { host } = rig({ processors: 1 });
    expect(host.dpcLatencyPercentile(0, 0.5)).toBeUndefined();
  });
});

describe("charging", () => {
  it("goes to the processor running the routine and is ignored outside routines", () => {
    const { scheduler, host } = rig({ processors: 3, costs: NO_FIXED_COSTS });
    const seen: (number | undefined)[] = [];
    host.charge("rx", 1e9);
    seen.push(host.currentProcessor());
    host.queueDpc(2, (p) => {
      seen.push(host.currentProcessor(), p);
      host.charge("copy", 1500 * 0.5);
      host.charge("copy", 0.5);
    });
    scheduler.runUntil(US);
    seen.push(host.currentProcessor());
    expect(seen).toEqual([undefined, 2, 2, undefined]);
    expect(host.busyCyclesByKind(2).copy).toBe(750.5);
    expect(host.busyCyclesByKind(0).rx).toBe(0);
    // 750.5 cycles take 751 whole cycles of a 3 GHz clock.
    expect(host.processor(2).busyCycles).toBe(751);
    expect(host.processor(2).busyTicks()).toBe(new Edges(3e9).at(751));
  });

  it("refuses negative or non-finite charges inside a routine", () => {
    const { scheduler, host } = rig({ processors: 1 });
    const errors: unknown[] = [];
    host.queueDpc(0, () => {
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        try {
          host.charge("rx", bad);
        } catch (e) {
          errors.push(e);
        }
      }
    });
    scheduler.runUntil(US);
    expect(errors).toHaveLength(3);
    for (const e of errors) expect(e).toBeInstanceOf(RangeError);
    expect(() => host.processor(0).charge("rx", 1)).toThrow(/outside a routine/);
  });
});
