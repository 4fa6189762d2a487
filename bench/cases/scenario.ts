import { TICKS_PER_SECOND } from "../../src/kernel/ticks.js";
import { BUILTIN_SCENARIOS_DIR, loadScenario, runScenario } from "../../src/sim/scenario/index.js";
import type { VmqPolicyName } from "../../src/switch/vmq/vmq-policy.js";
import type { BenchResult } from "../measure.js";

/**
 * A built-in scenario end to end (wire, NIC, driver, host, switch, VMs, metrics) under
 * one policy: simulated frames (generated) per wall-clock second, and the slowdown.
 */
export async function benchScenario(
  name: string,
  policy: VmqPolicyName,
  durationMs: number,
): Promise<BenchResult> {
  const scenario = loadScenario(`${BUILTIN_SCENARIOS_DIR}/${name}.json`);
  const start = process.hrtime.bigint();
  const summary = await runScenario(scenario, policy, { durationMs });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const simulated = summary.durationTicks / TICKS_PER_SECOND;
  return {
    name: `scenario ${name}, ${policy}`,
    unit: "frames/s",
    perSecond: summary.injected / seconds,
    slowdown: seconds / simulated,
    note: `${summary.injected} frames, ${(simulated * 1000).toFixed(0)} ms simulated`,
  };
}
