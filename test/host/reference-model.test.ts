import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HostMemory } from "../../src/bus/host-memory.js";
import { Host } from "../../src/host/host.js";
import type { WorkKind } from "../../src/host/host-services.js";
import { msiAddressFor } from "../../src/host/interrupt-controller.js";
import type { WorkRecord } from "../../src/host/processor.js";
import { Scheduler } from "../../src/kernel/scheduler.js";
import { Edges, exactPercentile, type RefItem, referenceSchedule } from "./reference.js";

// Random work (random queue times, priorities, processors, charges, costs and clocks)
// run on the host and on the reference scheduler in ./reference.ts; every item must start
// and end where the reference says, and the statistics must agree with the reference's.

const kinds: WorkKind[] = ["rx", "tx", "copy", "switch", "other"];

const itemArb = (processors: number) =>
  fc.record({
    processor: fc.integer({ min: 0, max: processors - 1 }),
    isr: fc.boolean(),
    at: fc.integer({ min: 0, max: 30_000_000 }),
    charges: fc.array(
      fc.tuple(
        fc.constantFrom(...kinds),
        // Whole and half cycles: sums stay exact in floating point.
        fc.integer({ min: 0, max: 8000 }).map((n) => n / 2),
      ),
      { maxLength: 3 },
    ),
  });

const scenarioArb = fc.integer({ min: 1, max: 4 }).chain((processors) =>
  fc.record({
    processors: fc.constant(processors),
    hz: fc.constantFrom(3_000_000_000, 2_400_000_000, 1_000_000_000, 3_700_000_000),
    costs: fc.record({
      interruptCycles: fc.integer({ min: 0, max: 3000 }),
      isrCycles: fc.integer({ min: 0, max: 1000 }),
      dpcCycles: fc.integer({ min: 0, max: 2000 }),
    }),
    items: fc.array(itemArb(processors), { minLength: 1, maxLength: 80 }),
  }),
);

describe("the host against a reference scheduler", () => {
  it("starts and ends every item where the reference does", () => {
    fc.assert(
      fc.property(scenarioArb, ({ processors, hz, costs, items }) => {
        const scheduler = new Scheduler();
        const host = new Host(scheduler, new HostMemory(), {
          processors,
          clockHz: hz,
          costs,
          windowTicks: 1_000_000,
        });
        const edges = new Edges(hz);
        const refItems: RefItem[] = [];
        const ran: { id: number; processor: number; at: number }[] = [];
        const records: WorkRecord[] = [];
        for (let p = 0; p < processors; p++)
          host.processor(p).onWork((r) => records.push({ ...r }));
        items.forEach((item, id) => {
          const queuedTicks = edges.offEdge(item.at);
          const work = (processor: number) => {
            ran.push({ id, processor, at: host.nowTicks() });
            for (const [kind, cycles] of item.charges) host.charge(kind, cycles);
          };
          const charged = item.charges.reduce((s, [, c]) => s + c, 0);
          const fixed = item.isr ? costs.interruptCycles + costs.isrCycles : costs.dpcCycles;
          refItems.push({
            id,
            processor: item.processor,
            priority: item.isr ? "isr" : "dpc",
            queuedTicks,
            cycles: fixed + charged,
          });
          if (item.isr) {
            // One vector per ISR item, so the routine knows which item it is.
            host.connectInterrupt(id, (_vector, processor) => work(processor));
            scheduler.at(queuedTicks, "irq", () =>
              host.interruptController.message(id, msiAddressFor(item.processor), 0, queuedTicks),
            );
          } else {
            scheduler.at(queuedTicks, "dpc", () => host.queueDpc(item.processor, work));
          }
        });
        scheduler.runUntilIdle();
        const endOfRun = scheduler.nowTicks + 1;
        scheduler.runUntil(endOfRun);

        const expected = referenceSchedule(refItems, edges);
        expect(ran).toHaveLength(items.length);
        expect(records).toHaveLength(items.length);
        // Routines ran in dispatch order; pair each with its record (same order per processor).
        const recordsBy = new Map<number, WorkRecord[]>();
        for (const r of records)
          recordsBy.set(r.processor, [...(recordsBy.get(r.processor) ?? []), r]);
        const runsBy = new Map<number, typeof ran>();
        for (const r of ran) runsBy.set(r.processor, [...(runsBy.get(r.processor) ?? []), r]);
        for (const [p, runs] of runsBy) {
          const recs = recordsBy.get(p)!;
          let previousEnd = Number.NEGATIVE_INFINITY;
          runs.forEach((run, i) => {
            const ref = expected.get(run.id)!;
            const rec = recs[i]!;
            const item = refItems[run.id]!;
            expect(item.processor).toBe(p);
            expect(run.at, `item ${run.id} start`).toBe(ref.start);
            expect(rec.startTicks).toBe(ref.start);
            expect(rec.endTicks, `item ${run.id} end`).toBe(ref.end);
            expect(rec.queuedTicks).toBe(item.queuedTicks);
            expect(rec.chargedCycles).toBe(item.cycles);
            // One item at a time, and never before it was queued.
            expect(rec.startTicks).toBeGreaterThanOrEqual(previousEnd);
            expect(rec.startTicks).toBeGreaterThanOrEqual(item.queuedTicks);
            previousEnd = rec.endTicks;
          });
        }

        for (let p = 0; p < processors; p++) {
          const mine = refItems.filter((it) => it.processor === p);
          const busy = mine.reduce(
            (s, it) => s + expected.get(it.id)!.end - expected.get(it.id)!.start,
            0,
          );
          expect(host.processor(p).busyTicks()).toBe(busy);
          expect(host.utilization(p)).toBeCloseTo(busy / endOfRun, 12);
          expect(host.interrupts(p)).toBe(mine.filter((it) => it.priority === "isr").length);
          const latencies = mine
            .filter((it) => it.priority === "dpc")
            .map((it) => expected.get(it.id)!.start - it.queuedTicks);
          const h = host.processor(p).dpcLatency;
          expect(h.count).toBe(latencies.length);
          if (latencies.length === 0) {
            expect(host.dpcLatencyPercentile(p, 0.5)).toBeUndefined();
            continue;
          }
          expect(h.minTicks).toBe(Math.min(...latencies));
          expect(h.maxTicks).toBe(Math.max(...latencies));
          for (const q of [0, 0.5, 0.9, 0.99, 1]) {
            const exact = exactPercentile(latencies, q);
            const got = host.dpcLatencyPercentile(p, q)!;
            expect(got).toBeGreaterThanOrEqual(exact);
            expect(got).toBeLessThanOrEqual(exact < 256 ? exact : exact * (1 + 1 / 128));
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
