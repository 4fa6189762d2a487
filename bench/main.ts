import { benchDriverRx } from "./cases/driver-rx.js";
import { benchMmio, benchScheduler } from "./cases/kernel.js";
import { benchNicLso } from "./cases/nic-lso.js";
import { benchNicRx } from "./cases/nic-rx.js";
import { benchScenario } from "./cases/scenario.js";
import { type BenchResult, formatResult } from "./measure.js";

/**
 * `npm run bench`: how fast the model runs in wall-clock terms. Each case prints the
 * simulated work per wall-clock second and, where it simulates time, the slowdown
 * against real time (wall seconds per simulated second; below 1 is faster than real
 * time). Figures vary with the machine; compare runs on the same one.
 */
const cases: (() => BenchResult | Promise<BenchResult>)[] = [
  benchScheduler,
  benchMmio,
  () => benchNicRx(60, 1, 500_000),
  () => benchNicRx(60, 16, 500_000),
  // Large frames run 100-200 ms (80 000 to 160 000 frames), so that the JIT's warm-up
  // (about 80 ms of wall time) is a small share of the figure.
  () => benchNicRx(1514, 1, 200_000),
  () => benchNicLso(64 * 1024, 1448, 200_000),
  () => benchDriverRx(60, 1, 10_000),
  () => benchDriverRx(60, 8, 10_000),
  () => benchDriverRx(1514, 1, 100_000),
  () => benchDriverRx(1514, 8, 100_000),
  () => benchScenario("shifting-load", "none", 1000),
  () => benchScenario("shifting-load", "static", 1000),
  () => benchScenario("shifting-load", "dynamic", 1000),
];

console.log(`nicsim bench (node ${process.version})`);
for (const run of cases) console.log(formatResult(await run()));
