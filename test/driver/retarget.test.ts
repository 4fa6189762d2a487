import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TICKS_PER_NS, TICKS_PER_US, type Ticks } from "../../src/kernel/ticks.js";
import { seqFrame, seqOf } from "./frames.js";
import { DriverRig } from "./rig.js";

const VM_MAC = [0x02, 0x15, 0x5d, 0, 0, 0x01];

/**
 * Injects `count` frames to `mac`, one every `gapTicks`, driven by the scheduler; returns
 * a predicate true once the last one is injected.
 */
function startTraffic(
  rig: DriverRig,
  mac: readonly number[],
  count: number,
  gapTicks: Ticks,
): () => boolean {
  let seq = 0;
  const timer = rig.scheduler.timer("test.traffic", () => {
    rig.inject(seqFrame(mac, seq, 64 + ((seq * 37) % 400)));
    seq++;
    if (seq < count) timer.scheduleIn(gapTicks);
  });
  timer.scheduleIn(gapTicks);
  return () => seq >= count;
}

interface Move {
  readonly processor: number;
  readonly vector: number;
  readonly previousVector: number;
  readonly atTicks: Ticks;
}

/**
 * Moves `queue` through `targets` while traffic flows (each move waits `pauseTicks` after
 * the previous one completed) and returns the moves as they happened.
 */
async function moveThrough(
  rig: DriverRig,
  queue: number,
  targets: readonly number[],
  pauseTicks: Ticks,
): Promise<Move[]> {
  const moves: Move[] = [];
  for (const processor of targets) {
    rig.run(pauseTicks);
    const previousVector = rig.adapter.queueInfo(queue)!.vector;
    const outcome = await rig.settle(
      rig.adapter.request({ kind: "set-queue-processor", queue, processor }),
      TICKS_PER_US,
    );
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.value.processor).toBe(processor);
    expect(rig.adapter.queueInfo(queue)).toMatchObject({ owner: processor, affinity: processor });
    moves.push({
      processor,
      vector: outcome.value.vector,
      previousVector,
      atTicks: outcome.value.completedAtTicks,
    });
  }
  return moves;
}

/** Frames the NIC itself dropped for `queue` (overload), which the driver never saw. */
function deviceDrops(rig: DriverRig, queue: number): number {
  const peek = (name: string, n = 0) => rig.nic.regs.peek32(rig.nic.regs.map.offsetOf(name, n));
  return peek("MPC") + peek("QPRDC", queue);
}

/**
 * Every frame indicated at most once and in order on `queue`, and every frame accounted
 * for: indicated, or counted as dropped by the NIC (an overloaded processor lets the ring
 * and the packet buffer fill). `exact` also asks that the NIC dropped none.
 */
function expectAccountedInOrder(
  rig: DriverRig,
  queue: number,
  count: number,
  exact: boolean,
): void {
  const seqs = rig.received.filter((r) => r.queue === queue).map((r) => seqOf(r.bytes));
  const notIncreasing = seqs.filter((s, i) => i > 0 && s <= seqs[i - 1]!);
  expect(notIncreasing).toEqual([]);
  const drops = deviceDrops(rig, queue);
  if (exact) expect(drops).toBe(0);
  expect(seqs.length + drops).toBe(count);
}

/**
 * Each indication came from the DPC of the processor that owned the queue then: before a
 * move's handover, the old one; after it, the new one (at the handover's own tick, the
 * old DPC may still be indicating the frames it took before letting go).
 */
function expectOwnerProcessor(rig: DriverRig, queue: number, first: number, moves: Move[]): void {
  const wrong = rig.received
    .filter((r) => r.queue === queue)
    .filter((r) => {
      let owner = first;
      let previous = first;
      for (const m of moves) {
        if (r.atTicks < m.atTicks) break;
        previous = owner;
        owner = m.processor;
        if (r.atTicks === m.atTicks) return r.processor !== owner && r.processor !== previous;
      }
      return r.processor !== owner;
    });
  expect(wrong).toEqual([]);
}

describe("retargeting a queue (set-queue-processor) while traffic flows", () => {
  it("loses, duplicates and reorders nothing; interrupts follow the queue to the new vector", async () => {
    const rig = new DriverRig({ processors: 4 });
    await rig.start();
    const alloc = await rig.settle(
      rig.adapter.request({ kind: "allocate-queue", mac: VM_MAC, processor: 1 }),
    );
    if (!alloc.ok) throw new Error(alloc.error.message);
    const queue = alloc.value.queue;
    const count = 6000;
    const sent = startTraffic(rig, VM_MAC, count, 600 * TICKS_PER_NS);
    const moves = await moveThrough(rig, queue, [2, 3, 1, 0, 2], 300 * TICKS_PER_US);
    rig.drain(sent);
    expectAccountedInOrder(rig, queue, count, true);
    expectOwnerProcessor(rig, queue, 1, moves);
    // After each handover, only the new vector carries the queue's interrupts: the old
    // one (which served nothing else with traffic) sends no message until it is the
    // queue's vector again.
    moves.forEach((m, i) => {
      const until = moves[i + 1]?.atTicks ?? Number.POSITIVE_INFINITY;
      const between = rig.host.messages.filter((x) => x.atTicks > m.atTicks && x.atTicks < until);
      expect(between.length).toBeGreaterThan(0);
      expect(between.filter((x) => x.vector !== m.vector)).toEqual([]);
      expect(between.every((x) => x.processor === m.processor)).toBe(true);
    });
    // The moves really moved the traffic: every processor indicated some of it.
    expect(new Set(rig.received.map((r) => r.processor))).toEqual(new Set([0, 1, 2, 3]));
  });

  it("moves an idle queue (the old DPC is woken to hand it over)", async () => {
    const rig = new DriverRig({ processors: 3 });
    await rig.start();
    const alloc = await rig.settle(
      rig.adapter.request({ kind: "allocate-queue", mac: VM_MAC, processor: 1 }),
    );
    if (!alloc.ok) throw new Error(alloc.error.message);
    const moves = await moveThrough(rig, alloc.value.queue, [2], 0);
    expect(moves[0]!.vector).toBe(2);
    rig.inject(seqFrame(VM_MAC, 0, 100));
    rig.drain();
    expect(rig.received.map((r) => [r.queue, r.processor])).toEqual([[alloc.value.queue, 2]]);
  });

  it("hands over frames already in the ring even if no other frame ever arrives", async () => {
    const rig = new DriverRig({ processors: 3, adapter: { rxBudget: 4, moderationUs: 0 } });
    await rig.start();
    const alloc = await rig.settle(
      rig.adapter.request({ kind: "allocate-queue", mac: VM_MAC, processor: 1 }),
    );
    if (!alloc.ok) throw new Error(alloc.error.message);
    for (let seq = 0; seq < 200; seq++) rig.inject(seqFrame(VM_MAC, seq, 64));
    // Every frame is in the ring by now, and the DPC (4 frames a run) is far behind.
    rig.run(40 * TICKS_PER_US);
    const before = rig.received.length;
    expect(before).toBeLessThan(150);
    const moves = await moveThrough(rig, alloc.value.queue, [2], 0);
    rig.drain();
    expectAccountedInOrder(rig, alloc.value.queue, 200, true);
    expectOwnerProcessor(rig, alloc.value.queue, 1, moves);
    expect(rig.received.filter((r) => r.processor === 2).length).toBeGreaterThan(0);
  });

  it("refuses a second move while one is pending", async () => {
    const rig = new DriverRig({ processors: 3 });
    await rig.start();
    const first = rig.adapter.request({ kind: "set-queue-processor", queue: 0, processor: 1 });
    const second = await rig.adapter.request({
      kind: "set-queue-processor",
      queue: 0,
      processor: 2,
    });
    expect(second.ok ? "ok" : second.error.kind).toBe("queue-busy");
    const done = await rig.settle(first);
    expect(done.ok).toBe(true);
  });

  it("puts the affinity back on the owner when a halt cancels a pending move", async () => {
    const rig = new DriverRig({ processors: 3 });
    await rig.start();
    const move = rig.adapter.request({ kind: "set-queue-processor", queue: 0, processor: 1 });
    expect(rig.adapter.queueInfo(0)).toMatchObject({ owner: 0, affinity: 1 });
    // A send in flight keeps the halting queue in place (the halt waits for it).
    expect(rig.adapter.send(0, [{ bytes: seqFrame(VM_MAC, 0, 100) }])).toBe(1);
    const halted = rig.adapter.halt();
    expect(rig.adapter.queueInfo(0)).toMatchObject({ owner: 0, affinity: 0 });
    const outcome = await rig.settle(move);
    expect(outcome.ok ? "ok" : outcome.error.kind).toBe("not-running");
    await rig.settle(halted);
  });

  it("keeps sends and their completions in order across moves", async () => {
    const rig = new DriverRig({ processors: 3 });
    await rig.start();
    let next = 0;
    const total = 3000;
    const timer = rig.scheduler.timer("test.sender", () => {
      const batch = Array.from({ length: 8 }, (_, i) => ({
        bytes: seqFrame(VM_MAC, next + i, 200),
      }));
      next += rig.adapter.send(0, batch.slice(0, Math.min(8, total - next)));
      if (next < total) timer.scheduleIn(2 * TICKS_PER_US);
    });
    timer.scheduleIn(TICKS_PER_US);
    await moveThrough(rig, 0, [1, 2, 0, 2], 100 * TICKS_PER_US);
    rig.drain(() => next >= total);
    expect(rig.wire.map(seqOf)).toEqual([...Array(total).keys()]);
    expect(rig.completions.length).toBe(total);
    expect(rig.completions.every((c) => c.status === "sent")).toBe(true);
  });

  it("never loses, duplicates or reorders under random moves and load (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 100, max: 2000 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom(0, 10, 40),
        async (targets, gapNs, pauseUs, budget, moderationUs) => {
          const rig = new DriverRig({ processors: 4, adapter: { rxBudget: budget, moderationUs } });
          await rig.start();
          const alloc = await rig.settle(
            rig.adapter.request({ kind: "allocate-queue", mac: VM_MAC, processor: 0 }),
          );
          if (!alloc.ok) throw new Error(alloc.error.message);
          const count = 1500;
          const sent = startTraffic(rig, VM_MAC, count, gapNs * TICKS_PER_NS);
          const moves = await moveThrough(rig, alloc.value.queue, targets, pauseUs * TICKS_PER_US);
          rig.drain(sent);
          expectAccountedInOrder(rig, alloc.value.queue, count, false);
          expectOwnerProcessor(rig, alloc.value.queue, 0, moves);
          const info = rig.adapter.queueInfo(alloc.value.queue)!;
          expect(info.rxPosted + info.rxBuffersFree).toBe(info.rxBuffers);
        },
      ),
      { numRuns: 15 },
    );
  });
});
