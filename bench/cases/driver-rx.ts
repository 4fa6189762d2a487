import { HostMemory } from "../../src/bus/host-memory.js";
import { Adapter } from "../../src/driver/adapter.js";
import { RSS_HASH } from "../../src/driver/rss.js";
import { Host } from "../../src/host/host.js";
import { Nic } from "../../src/hw/nic.js";
import { Scheduler } from "../../src/kernel/scheduler.js";
import { runUntilSettled } from "../../src/kernel/settle.js";
import {
  TICKS_PER_MS,
  TICKS_PER_SECOND,
  TICKS_PER_US,
  type Ticks,
} from "../../src/kernel/ticks.js";
import { type BenchResult, timed } from "../measure.js";
import { startLineRateFeed, udpFrame } from "../traffic.js";

/** Processors of the host: one per RSS queue at most, so 8 covers both cases. */
const PROCESSORS = 8;

/**
 * Receive through the whole stack at line rate: the wire delivers back-to-back IPv4/UDP
 * frames (a new source port each, so RSS spreads them), the NIC writes them into the
 * driver's rings and interrupts, the host runs the driver's ISRs and DPCs on its
 * processors with the default cost model, and the upper edge (`onReceive`) only counts.
 * With several queues the driver starts them as RSS queues (`rssQueues`, queue i on
 * processor i) and a set-rss request turns hashing on with an indirection table over
 * every RSS processor.
 *
 * The rate reported is simulated frames delivered upward per wall-clock second; the note
 * gives what was delivered and dropped in the measured window and the busiest processor's
 * utilisation over it. When a processor saturates, frames for its queue wait in the
 * packet buffer (the driver leaves SRRCTL.DROP_EN clear) and the overflow is counted in
 * MPC.
 */
export async function benchDriverRx(
  frameBytes: number,
  queues: number,
  simulatedUs: number,
): Promise<BenchResult> {
  const scheduler = new Scheduler();
  const memory = new HostMemory();
  const nic = new Nic(scheduler, memory, { queues: 8, vectors: 16 });
  const host = new Host(scheduler, memory, { processors: PROCESSORS });
  host.attach(nic);
  const adapter = new Adapter({ mmio: nic.mmio, host, scheduler, rssQueues: queues });
  let delivered = 0;
  adapter.onReceive = (_queue, frames) => {
    delivered += frames.length;
  };

  const init = await settle(scheduler, adapter.initialize(), "initialize");
  if (!init.ok) throw new Error(`driver-rx bench: initialize failed: ${init.error.message}`);
  if (queues > 1) {
    const rss = await settle(
      scheduler,
      adapter.request({
        kind: "set-rss",
        hashTypes: RSS_HASH.IPV4 | RSS_HASH.UDP_IPV4,
        indirection: Array.from({ length: queues }, (_, i) => i),
      }),
      "set-rss",
    );
    if (!rss.ok) throw new Error(`driver-rx bench: set-rss failed: ${rss.error.message}`);
  }

  const frame = udpFrame(frameBytes);
  const start = scheduler.nowTicks;
  const busyBefore = busyTicks(host);
  const droppedBefore = dropped(nic, queues);
  startLineRateFeed(nic, frame);
  const simulatedTicks = simulatedUs * TICKS_PER_US;
  const { seconds } = timed(() => scheduler.runUntil(start + simulatedTicks));
  nic.wire.setPeerSource(null);

  const busy = busyTicks(host).map((ticks, p) => (ticks - busyBefore[p]!) / simulatedTicks);
  const busiest = busy.reduce((best, u, p) => (u > busy[best]! ? p : best), 0);
  const lost = dropped(nic, queues) - droppedBefore;
  const size = `${frameBytes + 4}B frames`;
  return {
    name: `driver RX ${size}, ${queues > 1 ? `RSS over ${queues} queues` : "1 queue"}`,
    unit: "frames/s",
    perSecond: delivered / seconds,
    slowdown: seconds / (simulatedTicks / TICKS_PER_SECOND),
    note:
      `${delivered} delivered, ${lost} dropped in ${simulatedUs / 1000} ms simulated; ` +
      `busiest cpu${busiest} ${(100 * busy[busiest]!).toFixed(0)}%`,
  };
}

/** Runs simulated time in 10 us steps until `promise` settles (the driver's waits are timers). */
function settle<T>(scheduler: Scheduler, promise: Promise<T>, what: string): Promise<T> {
  const stepTicks = 10 * TICKS_PER_US;
  const step = () => {
    scheduler.runUntil(scheduler.nowTicks + stepTicks);
  };
  return runUntilSettled(promise, step, {
    what: `driver-rx bench: ${what}`,
    maxSteps: (100 * TICKS_PER_MS) / stepTicks,
  });
}

/** Each processor's busy ticks since the host was built. */
function busyTicks(host: Host): Ticks[] {
  return Array.from({ length: host.processorCount }, (_, p) => host.processor(p).busyTicks());
}

/** Frames the device dropped: packet buffer overflow (MPC) and per-queue drops (QPRDC). */
function dropped(nic: Nic, queues: number): number {
  const map = nic.regs.map;
  let n = nic.regs.peek32(map.offsetOf("MPC"));
  for (let q = 0; q < queues; q++) n += nic.regs.peek32(map.offsetOf("QPRDC", q));
  return n;
}
