import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  clearCounts,
  commandCounts,
  commandsConstraints,
  expectEveryCommandRan,
  itReplaysRegressions,
  outcomeCounts,
  type Regression,
} from "../support/model-test.js";
import { COMMAND_NAMES, driverCommands, worldConfig } from "./driver-commands.js";
import { DriverWorld } from "./driver-world.js";

/**
 * Model-based test of the driver, the NIC and the real host together: random sequences of
 * sends, frames from the wire, queue allocation and freeing, filter, RSS and moderation
 * changes, queue moves while traffic flows, time, and resets (see driver-commands.ts),
 * with every invariant checked after every command and after a final drain
 * (driver-world.ts): every frame indicated exactly once, on the queue steering says, in
 * order per flow, or counted by exactly one drop counter; every send completed exactly
 * once and on the wire, segmented as asked; interrupts where the queue's owner is; no
 * buffer, descriptor or memory leaked.
 */

/** Runs of the property; DRIVER_MODEL_RUNS overrides it for longer hunts. */
const RUNS = Number(process.env.DRIVER_MODEL_RUNS ?? 250);
const MAX_COMMANDS = 30;

/** The property; `replayPath` (from a failure report) replays a shrunk command list. */
function driverModel(replayPath?: string) {
  const commands = fc.commands(driverCommands(), commandsConstraints(MAX_COMMANDS, replayPath));
  return fc.asyncProperty(worldConfig, commands, async (config, cmds) => {
    const world = new DriverWorld(config);
    await world.start();
    world.check();
    await fc.asyncModelRun(() => ({ model: world, real: world }), cmds);
    world.drain();
  });
}

/**
 * Counterexamples the property found, each a bug fixed in src; they fail if the fix is
 * undone. (Their seeds replay only with the arbitraries as they are now.) The one below
 * was in this test's own model; other failures found were too, and one in the NIC, fixed in
 * src/hw/tx/tx-output.ts and pinned by a plain test below (its seed does not replay with
 * today's arbitraries); hunts of 10,000+ runs (DRIVER_MODEL_RUNS) found nothing in the
 * driver or the host.
 */
const REGRESSIONS: readonly Regression[] = [
  {
    // The driver now reads a freed queue's counters for its last totals; the world lost
    // the QPRDC drops it read (fixed in driver-world.ts: it counts every driver read).
    name: "a queue freed while a flood of two-descriptor frames arrives drains",
    seed: 1008817777,
    path: "105:0:0:0:0:3:2:5:4:4:5:4:4:4:6:6:6:6:6:6:6:7:8:7:7:8",
    replayPath: "/U:D",
  },
];

describe("driver + NIC + host model-based test", () => {
  it("keeps every invariant under random traffic, requests, moves, time and resets", async () => {
    clearCounts();
    await fc.assert(driverModel(), { numRuns: RUNS });
    if (process.env.DRIVER_MODEL_VERBOSE) {
      console.log(Object.fromEntries(commandCounts), Object.fromEntries(outcomeCounts));
    }
    // Every command ran a fair number of times: nothing is silently unreachable.
    expectEveryCommandRan(COMMAND_NAMES, Math.min(5, RUNS));
  });

  // Regression: the segments of a large send were not padded to the 60-byte Ethernet
  // minimum (found by the property above: send(lso(21126/845)), a 55-byte last segment).
  it("pads the short last segment of a large send to 60 bytes", async () => {
    const world = new DriverWorld({
      queues: 4,
      vectors: 4,
      processors: 2,
      rssQueues: 1,
      rssBaseProcessor: 0,
      rxRingSize: 16,
      rxBufferBytes: 2048,
      txRingSize: 16,
      rxBudget: 4,
      moderationUs: 0,
      txArenaBytes: 64 * 1024,
    });
    const lengths: number[] = [];
    world.nic.wire.onTransmit((_frame, length) => lengths.push(length));
    await world.start();
    world.send(0, [{ kind: "lso", size: 21126, mss: 845, udp: false, which: 0 }]);
    world.drain();
    expect(lengths).toHaveLength(26);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(60);
  });

  itReplaysRegressions(REGRESSIONS, driverModel);
});
