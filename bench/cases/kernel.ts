import { HostMemory } from "../../src/bus/host-memory.js";
import { Nic } from "../../src/hw/nic.js";
import { Scheduler } from "../../src/kernel/scheduler.js";
import { TICKS_PER_NS, TICKS_PER_SECOND } from "../../src/kernel/ticks.js";
import { type BenchResult, timed } from "../measure.js";

/** Sixteen periodic timers re-arming themselves: the scheduler's raw event rate. */
export function benchScheduler(): BenchResult {
  const scheduler = new Scheduler();
  for (let i = 0; i < 16; i++) {
    const period = (67 + i) * TICKS_PER_NS; // about one 64-byte frame time at 10 Gb/s
    const timer = scheduler.timer(`periodic${i}`, () => timer.scheduleIn(period));
    timer.scheduleIn(period);
  }
  const simulatedTicks = TICKS_PER_SECOND / 20;
  const { seconds, value } = timed(() => scheduler.runUntil(simulatedTicks));
  return {
    name: "scheduler: 16 periodic timers",
    unit: "events/s",
    perSecond: value / seconds,
    slowdown: seconds / (simulatedTicks / TICKS_PER_SECOND),
  };
}

/** MMIO reads and writes through the register file with its rules and hooks. */
export function benchMmio(): BenchResult {
  const nic = new Nic(new Scheduler(), new HostMemory());
  const scratch = nic.regs.map.offsetOf("SCRATCH");
  const status = nic.regs.map.offsetOf("STATUS");
  const n = 5_000_000;
  const { seconds } = timed(() => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      nic.mmio.write32(scratch, i);
      sum += nic.mmio.read32(status);
    }
    return sum;
  });
  return { name: "register file: MMIO write+read pairs", unit: "pairs/s", perSecond: n / seconds };
}
