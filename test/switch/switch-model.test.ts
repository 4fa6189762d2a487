import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { COMMAND_NAMES, commandCounts, switchCommands, worldConfig } from "./model-commands.js";
import { SwitchWorld, type WorldConfig } from "./model-world.js";

/**
 * Model-based test of the virtual switch over the real driver, NIC and host (a Testbed):
 * random sequences of VMs coming and going, bursts from the wire and from VMs, load,
 * dynamic VMQ steps and time (model-commands.ts), under a policy drawn per run on a NIC
 * with few queues, with the invariants (model-world.ts) checked after every command and
 * after a final drain: every frame delivered to the vNIC its address and VLAN name, once,
 * in order per flow, or counted by exactly one drop counter; queues handed out first come
 * first served and none leaked once every VM is gone.
 */

/** Runs of the property; SWITCH_MODEL_RUNS overrides it for longer hunts. */
const RUNS = Number(process.env.SWITCH_MODEL_RUNS ?? 40);
const MAX_COMMANDS = 30;

/** The property; `replayPath` (from a failure report) replays a shrunk command list. */
function switchModel(replayPath?: string) {
  const commands = fc.commands(switchCommands(), {
    maxCommands: MAX_COMMANDS,
    size: "max",
    ...(replayPath === undefined ? {} : { replayPath }),
  });
  return fc.asyncProperty(worldConfig, commands, async (config, cmds) => {
    const world = await runWorld(config, async (w) => {
      await fc.asyncModelRun(() => ({ model: w, real: w }), cmds);
    });
    totals.handoffs += world.stats.handoffs;
    totals.clashes += world.stats.clashes;
    totals.allocationReorders += world.stats.allocationReorders;
    totals.overlapReorders += world.stats.overlapReorders;
    totals.moves += world.bed.vswitch.vmq.moves.filter((m) => m.reason !== "home").length;
  });
}

async function runWorld(
  config: WorldConfig,
  body: (w: SwitchWorld) => Promise<void>,
): Promise<SwitchWorld> {
  const world = new SwitchWorld(config);
  await world.start();
  world.check();
  await body(world);
  await world.finish();
  return world;
}

const totals = { handoffs: 0, clashes: 0, moves: 0, allocationReorders: 0, overlapReorders: 0 };

/** A failing case the property found, replayed exactly (seed, shrink path, replayPath). */
interface Regression {
  readonly name: string;
  readonly seed: number;
  readonly path: string;
  readonly replayPath: string;
}

const REGRESSIONS: readonly Regression[] = [];

describe("virtual switch + driver + NIC + host model-based test", () => {
  test("keeps every invariant under VMs coming and going, bursts, load, VMQ steps and time", async () => {
    commandCounts.clear();
    await fc.assert(switchModel(), { numRuns: RUNS });
    if (process.env.SWITCH_MODEL_VERBOSE) console.log(Object.fromEntries(commandCounts), totals);
    // Every command ran a fair number of times, and the states that matter were reached.
    for (const name of COMMAND_NAMES) {
      expect(commandCounts.get(name) ?? 0, name).toBeGreaterThanOrEqual(Math.min(10, RUNS));
    }
    expect(totals.handoffs, "freed queues handed to waiting VMs").toBeGreaterThan(0);
    expect(totals.clashes, "addresses refused on their VLAN").toBeGreaterThan(0);
    expect(totals.moves, "dynamic VMQ moves").toBeGreaterThan(0);
  }, Math.max(60_000, RUNS * 2000));

  for (const r of REGRESSIONS) {
    test(`regression: ${r.name}`, async () => {
      await fc.assert(switchModel(r.replayPath), { seed: r.seed, path: r.path, endOnFailure: true });
    });
  }
});
