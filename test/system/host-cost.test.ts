import { describe, expect, it } from "vitest";
import { HostMemory } from "../../src/bus/host-memory.js";
import { Adapter } from "../../src/driver/adapter.js";
import { Host } from "../../src/host/host.js";
import { WORK_KINDS } from "../../src/host/processor.js";
import { Nic } from "../../src/hw/nic.js";
import { Scheduler } from "../../src/kernel/scheduler.js";
import { runUntilSettled } from "../../src/kernel/settle.js";
import { TICKS_PER_US, type Ticks } from "../../src/kernel/ticks.js";
import { buildRxFrame, rxUidOf } from "./system-frames.js";

/**
 * The host's cost accounting end to end, with the driver doing the work: receive traffic
 * at line rate to one queue on one processor needs several times that processor's cycles.
 * It must saturate (every utilisation window at exactly 1.0) while frames back up in the
 * ring and the NIC's packet buffer and the excess is dropped there; and the cycles it
 * spent, by kind, must be exactly the cost model times what the driver did (frames
 * indicated, bytes copied, interrupts taken, DPCs run), with the windows adding up to
 * the same busy time.
 */

/** 2 GHz: a cycle is exactly 500 ps, so busy time in ticks is exact. */
const CLOCK_HZ = 2_000_000_000;
const PS_PER_CYCLE = 1e12 / CLOCK_HZ;
const WINDOW: Ticks = 100 * TICKS_PER_US;
/** 256-byte frames at 10 Gb/s: one every 224 ns; the driver needs ~0.8 us of a processor each. */
const FRAME_BYTES = 256;
const FRAMES = 6000;

describe("host cost accounting with the driver", () => {
  it("saturates an overloaded processor at 100%, drops the excess, and charges exactly the work done", async () => {
    const scheduler = new Scheduler();
    const memory = new HostMemory();
    const nic = new Nic(scheduler, memory, { queues: 4, vectors: 4 });
    const host = new Host(scheduler, memory, {
      processors: 2,
      clockHz: CLOCK_HZ,
      windowTicks: WINDOW,
    });
    host.attach(nic);
    // The work counted apart from the host's own counts: messages as the NIC sends them,
    // DPC routines as they are called.
    let messages = 0;
    nic.irq.tap(() => messages++);
    let dpcRuns = 0;
    const queueDpc = host.queueDpc.bind(host);
    host.queueDpc = (p, dpc) =>
      queueDpc(p, (on) => {
        dpcRuns++;
        dpc(on);
      });
    const adapter = new Adapter({ mmio: nic.mmio, host, scheduler, rxRingSize: 256 });
    const got = new Set<number>();
    let bytes = 0;
    let duplicates = 0;
    adapter.onReceive = (queue, frames) => {
      expect(queue).toBe(0);
      expect(host.currentProcessor()).toBe(0);
      for (const f of frames) {
        const uid = rxUidOf(f.bytes.subarray(f.offset, f.offset + f.length));
        if (got.has(uid)) duplicates++;
        got.add(uid);
        bytes += f.length;
      }
    };
    const init = await runUntilSettled(adapter.initialize(), () => {
      scheduler.runUntil(scheduler.nowTicks + 5 * TICKS_PER_US);
    });
    expect(init.ok).toBe(true);
    const peek = (name: string, n = 0) => nic.regs.peek32(nic.regs.map.offsetOf(name, n));

    // Start on a window boundary; the peer queues every frame, the wire paces them.
    scheduler.runUntil(Math.ceil((scheduler.nowTicks + 1) / WINDOW) * WINDOW);
    const start = scheduler.nowTicks;
    const spec = { dst: "unknown", vlan: undefined, l4: "udp", flow: 0, breakage: "none" } as const;
    for (let uid = 1; uid <= FRAMES; uid++) {
      const frame = buildRxFrame({ ...spec, length: FRAME_BYTES }, uid, uid);
      expect(nic.wire.inject(frame, 0, frame.length)).toBe(true);
    }
    // While the frames arrive, the processor falls behind: the ring runs out of
    // descriptors, frames wait in the packet buffer, and once it is full they are dropped.
    let lastArrival = start;
    while (nic.wire.framesOnWire > 0) {
      scheduler.runUntil(scheduler.nowTicks + 10 * TICKS_PER_US);
      lastArrival = scheduler.nowTicks;
    }
    expect(nic.rxBufferedFrames).toBeGreaterThan(1000);
    expect(peek("MPC")).toBeGreaterThan(0);
    expect(peek("QRNBC", 0)).toBeGreaterThan(0);
    // Then it works through the backlog, and goes idle.
    const cpu = host.processor(0);
    do scheduler.runUntil(scheduler.nowTicks + WINDOW);
    while (cpu.isBusy || cpu.queuedDpcs > 0 || cpu.queuedIsrs > 0 || nic.rxBufferedFrames > 0);
    const backlogDone = scheduler.nowTicks - WINDOW;
    scheduler.runUntil(Math.ceil(scheduler.nowTicks / WINDOW) * WINDOW + WINDOW);

    // Every frame indicated once or dropped, and only for want of room (MPC).
    expect(duplicates).toBe(0);
    expect(got.size + peek("MPC")).toBe(FRAMES);
    expect(peek("QPRDC", 0) + peek("RUC") + peek("ROC") + peek("CRCERRS")).toBe(0);
    expect(got.size).toBeGreaterThan(FRAMES / 4);

    // Saturated: every window from the first full one of the overload until the backlog
    // was worked off is busy throughout (exactly 1.0); the other processor did nothing.
    const windows = host.utilizationWindows(0);
    const overloaded = windows.filter(
      (w) => w.startTicks >= start + WINDOW && w.endTicks <= backlogDone,
    );
    expect(overloaded.length).toBeGreaterThanOrEqual(Math.floor((lastArrival - start) / WINDOW));
    expect(overloaded.map((w) => w.utilization)).toEqual(overloaded.map(() => 1));
    expect(host.utilization(1)).toBe(0);
    expect(host.utilizationWindows(1).every((w) => w.busyTicks === 0)).toBe(true);

    // The cycles by kind are the cost model times the work the driver and host did.
    const c = host.costs;
    const byKind = host.busyCyclesByKind(0);
    expect(byKind).toEqual({
      interrupt: c.interruptCycles * messages,
      isr: c.isrCycles * messages,
      dpc: c.dpcCycles * dpcRuns,
      rx: c.rxFrameCycles * got.size,
      tx: 0,
      copy: c.copyByteCycles * bytes,
      switch: 0,
      other: 0,
    });
    expect(bytes).toBe(got.size * FRAME_BYTES);
    expect(messages).toBeGreaterThan(0);
    expect(dpcRuns).toBeGreaterThanOrEqual(got.size / 64);
    // Utilisation adds up: whole charged cycles are the busy cycles, busy time is their
    // duration, and the windows (every one still recorded) hold exactly that time.
    const charged = WORK_KINDS.reduce((sum, k) => sum + byKind[k], 0);
    expect(cpu.busyCycles).toBe(charged);
    expect(cpu.busyTicks()).toBe(charged * PS_PER_CYCLE);
    expect(windows.reduce((sum, w) => sum + w.busyTicks, 0)).toBe(cpu.busyTicks());
    const busyInWindows = windows.reduce((sum, w) => sum + w.utilization * WINDOW, 0);
    expect(Math.abs(busyInWindows - cpu.busyTicks())).toBeLessThan(1);
    expect(host.utilization(0)).toBeCloseTo(cpu.busyTicks() / scheduler.nowTicks, 12);
  });
});
