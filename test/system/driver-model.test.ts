import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COMMAND_NAMES, commandCounts, driverCommands, worldConfig } from "./driver-commands.js";
import { DriverWorld, outcomeCounts } from "./driver-world.js";
import { toeplitz } from "./rss-model.js";

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
  const commands = fc.commands(driverCommands(), {
    maxCommands: MAX_COMMANDS,
    size: "max",
    ...(replayPath === undefined ? {} : { replayPath }),
  });
  return fc.asyncProperty(worldConfig, commands, async (config, cmds) => {
    const world = new DriverWorld(config);
    await world.start();
    world.check();
    await fc.asyncModelRun(() => ({ model: world, real: world }), cmds);
    world.drain();
  });
}

/** A failing case the property found, replayed exactly (seed, shrink path, replayPath). */
interface Regression {
  readonly name: string;
  readonly seed: number;
  readonly path: string;
  readonly replayPath: string;
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
  it("the plain Toeplitz model gives Microsoft's published verification hash", () => {
    // 66.9.149.187:2794 -> 161.142.100.80:1766 (TCP/IPv4), from the RSS verification suite.
    const key = [
      0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f,
      0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
      0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
    ];
    const src = [66, 9, 149, 187];
    const dst = [161, 142, 100, 80];
    expect(toeplitz(key, [...src, ...dst])).toBe(0x323e8fc2);
    expect(toeplitz(key, [...src, ...dst, 2794 >>> 8, 2794 & 0xff, 1766 >>> 8, 1766 & 0xff])).toBe(
      0x51ccc178,
    );
  });

  it("keeps every invariant under random traffic, requests, moves, time and resets", async () => {
    commandCounts.clear();
    outcomeCounts.clear();
    await fc.assert(driverModel(), { numRuns: RUNS });
    if (process.env.DRIVER_MODEL_VERBOSE) {
      console.log(Object.fromEntries(commandCounts), Object.fromEntries(outcomeCounts));
    }
    // Every command ran a fair number of times: nothing is silently unreachable.
    for (const name of COMMAND_NAMES) {
      expect(commandCounts.get(name) ?? 0, name).toBeGreaterThanOrEqual(Math.min(5, RUNS));
    }
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

  for (const r of REGRESSIONS) {
    it(`regression: ${r.name}`, async () => {
      await fc.assert(driverModel(r.replayPath), {
        seed: r.seed,
        path: r.path,
        endOnFailure: true,
      });
    });
  }
});
