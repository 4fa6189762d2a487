import { HostMemory } from "../src/bus/host-memory.js";
import { Nic } from "../src/hw/nic.js";
import { Scheduler } from "../src/kernel/scheduler.js";
import { TICKS_PER_NS, TICKS_PER_SECOND } from "../src/kernel/ticks.js";

/**
 * `npm run bench`: how fast the model runs, in wall-clock terms. Each case prints the
 * simulated work done per wall-clock second and, where the case simulates time, the
 * slowdown against real time (wall seconds per simulated second; below 1 means faster
 * than real time). Figures vary with the machine; compare runs on the same one.
 */
interface BenchResult {
  name: string;
  unit: string;
  perSecond: number;
  slowdown?: number;
}

function time(fn: () => number): { seconds: number; work: number } {
  const start = process.hrtime.bigint();
  const work = fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, work };
}

/** Sixteen periodic timers re-arming themselves: the scheduler's raw event rate. */
function benchScheduler(): BenchResult {
  const scheduler = new Scheduler();
  for (let i = 0; i < 16; i++) {
    const period = (67 + i) * TICKS_PER_NS; // about one 64-byte frame time at 10 Gb/s
    const timer = scheduler.timer(`periodic${i}`, () => timer.scheduleIn(period));
    timer.scheduleIn(period);
  }
  const simulatedTicks = TICKS_PER_SECOND / 20;
  const { seconds, work } = time(() => scheduler.runUntil(simulatedTicks));
  return {
    name: "scheduler: 16 periodic timers",
    unit: "events/s",
    perSecond: work / seconds,
    slowdown: seconds / (simulatedTicks / TICKS_PER_SECOND),
  };
}

/** MMIO reads and writes through the register file with its rules and hooks. */
function benchMmio(): BenchResult {
  const nic = new Nic(new Scheduler(), new HostMemory());
  const scratch = nic.regs.map.offsetOf("SCRATCH");
  const status = nic.regs.map.offsetOf("STATUS");
  const n = 5_000_000;
  const { seconds } = time(() => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      nic.mmio.write32(scratch, i);
      sum += nic.mmio.read32(status);
    }
    return sum;
  });
  return { name: "register file: MMIO write+read pairs", unit: "pairs/s", perSecond: n / seconds };
}

function format(result: BenchResult): string {
  const rate = `${(result.perSecond / 1e6).toFixed(2)} M ${result.unit}`;
  const slowdown =
    result.slowdown === undefined ? "" : `  slowdown ${result.slowdown.toFixed(3)} wall s / sim s`;
  return `${result.name.padEnd(44)} ${rate.padStart(22)}${slowdown}`;
}

const results = [benchScheduler(), benchMmio()];
console.log(`nicsim bench (node ${process.version})`);
for (const result of results) console.log(format(result));
