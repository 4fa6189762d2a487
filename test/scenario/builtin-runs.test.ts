import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunSummary } from "../../src/sim/metrics/run-summary.js";
import {
  BUILTIN_SCENARIOS_DIR,
  listBuiltinScenarios,
  loadScenario,
  runScenario,
  type Scenario,
  type VmqPolicyName,
} from "../../src/sim/scenario/index.js";
import { WIRE } from "../../src/sim/scenario/schema-vms.js";
import { VMQ_POLICY_NAMES } from "../../src/switch/vmq/vmq-policy.js";

// Every built-in scenario under every policy, shortened to SHORT_MS of simulated time: every
// frame is accounted for, and as many frames were made as the scenario's phases offer. Then
// the claims the built-ins exist to show.

const SHORT_MS = 300;

const load = (name: string) => loadScenario(join(BUILTIN_SCENARIOS_DIR, `${name}.json`));

/**
 * Frames the scenario's generators should make in a run of `runMs`, worked out from the
 * file alone: each flow runs while both its ends exist, each phase for its overlap with that
 * window, at its rate. Emissions fall on whole ticks, so each phase may be off by a burst.
 */
function offeredFrames(s: Scenario, runMs: number): { frames: number; slack: number } {
  const vm = (name: string) => s.vms.find((v) => v.name === name);
  let frames = 0;
  let slack = 0;
  for (const f of s.traffic.flows) {
    const ends = [vm(f.from), vm(f.to)].filter((v) => v !== undefined);
    const start = Math.max(0, ...ends.map((v) => v.joinAtMs));
    const stop = Math.min(runMs, ...ends.map((v) => v.leaveAtMs ?? runMs));
    for (const p of f.phases) {
      const overlapMs = Math.min(stop, p.untilMs) - Math.max(start, p.atMs);
      if (overlapMs <= 0 || p.framesPerSecond === 0) continue;
      frames += (p.framesPerSecond * overlapMs) / 1000;
      slack += 2 * p.burstFrames;
    }
  }
  return { frames, slack };
}

/**
 * Checks what the switch says it delivered against what the receivers counted: every frame
 * a VM got, or at least those when some flows go out to the wire (the peer is not counted).
 */
function expectDeliveredReceived(s: Scenario, r: RunSummary): void {
  const received = r.perQueue.reduce((sum, q) => sum + q.frames, 0);
  if (s.traffic.flows.some((f) => f.to === WIRE)) expect(received).toBeLessThanOrEqual(r.delivered);
  else expect(received).toBe(r.delivered);
}

const short = new Map<string, RunSummary>();
async function shortRun(name: string, policy: VmqPolicyName): Promise<RunSummary> {
  const key = `${name}/${policy}`;
  let r = short.get(key);
  if (r === undefined) {
    r = await runScenario(load(name), policy, { durationMs: SHORT_MS });
    short.set(key, r);
  }
  return r;
}

describe.each(listBuiltinScenarios())("%s", (name) => {
  it.each(VMQ_POLICY_NAMES)("under %s: every frame accounted for", async (policy) => {
    const progress: number[] = [];
    const scenario = load(name);
    const r = await runScenario(scenario, policy, {
      durationMs: SHORT_MS,
      onProgress: (f) => progress.push(f),
    });
    short.set(`${name}/${policy}`, r);
    expect(r.policy).toBe(policy);
    expect(r.inFlight).toBe(0);
    expectDeliveredReceived(scenario, r);
    expect(r.outOfOrder).toBe(0);
    expect(r.duplicates).toBe(0);
    const offered = offeredFrames(scenario, SHORT_MS);
    expect(Math.abs(r.injected - offered.frames)).toBeLessThanOrEqual(offered.slack + 1);
    expect(r.processorUtilization).toHaveLength(scenario.host.processors);
    // Progress rises to 1.
    expect(progress.at(-1)).toBe(1);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
  });
});

describe("claims", () => {
  it("light load: dynamic VMQ uses fewer processors than static VMQ", async () => {
    const stat = await shortRun("light-load", "static");
    const dyn = await shortRun("light-load", "dynamic");
    expect(dyn.processorsUsed).toBeLessThan(stat.processorsUsed);
    expect(stat.droppedTotal).toBe(0);
    expect(dyn.droppedTotal).toBe(0);
  });

  it("shifting load (whole run): dynamic VMQ drops no more than static VMQ", {
    timeout: 120_000,
  }, async () => {
    const scenario = load("shifting-load");
    const stat = await runScenario(scenario, "static");
    const dyn = await runScenario(scenario, "dynamic");
    // The scenario overloads a processor under static VMQ: the claim is not vacuous.
    expect(stat.droppedTotal).toBeGreaterThan(0);
    expect(dyn.droppedTotal).toBeLessThanOrEqual(stat.droppedTotal);
    expect(dyn.queueMoves).toBeGreaterThan(0);
    for (const r of [stat, dyn]) {
      expect(r.inFlight).toBe(0);
      expectDeliveredReceived(scenario, r);
    }
  });

  it("the same scenario and policy give the same summary", async () => {
    const scenario = load("more-vms-than-queues");
    const a = await runScenario(scenario, "dynamic", { durationMs: 50 });
    const b = await runScenario(scenario, "dynamic", { durationMs: 50 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});
