import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { TICKS_PER_US } from "../../src/kernel/ticks.js";
import {
  clearCounts,
  commandCounts,
  commandsConstraints,
  expectEveryCommandRan,
} from "../support/model-test.js";
import { COMMAND_NAMES, switchCommands, worldConfig } from "./model-commands.js";
import { SwitchWorld, type WorldConfig } from "./model-world.js";
import { settleOn } from "./rig-bed.js";

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
const RUNS = Number(process.env.SWITCH_MODEL_RUNS ?? 100);
const MAX_COMMANDS = 30;

/** The property: random command lists of up to MAX_COMMANDS. */
function switchModel() {
  const commands = fc.commands(switchCommands(), commandsConstraints(MAX_COMMANDS));
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

/**
 * A bug the property found (seed 894046686), replayed here from its shrunk case: a VM
 * removed while dynamic VMQ is moving its queue. free-queue answered queue-busy (the
 * move's handover was pending), VmqManager.detach counted the failure and forgot the
 * queue, and the driver kept it, filter and all, for good. The property's other failures
 * were in this test's model (the address-only filter overlap, now allowed and counted);
 * the send reordering fixed in send-path.ts was found by a directed test and is pinned in
 * send-path.test.ts.
 */
async function removeDuringMove(): Promise<{ pending: boolean; active: number[]; busy: number }> {
  const world = new SwitchWorld({
    policy: "dynamic",
    queues: 2,
    backlogLimit: 4096,
    sendBudget: 64,
    cheapSwitch: false,
    linkSpeedMbps: 1000,
    txPacketBufferBytes: 16 * 1024,
  });
  await world.start();
  await world.addVm(0, 20);
  const vm = world.live[0]!;
  // The shrunk counterexample's traffic: load, a burst in, a burst out.
  world.wireLoad(vm, 100_000, 300 * TICKS_PER_US, { ip: 4, l4: "tcp", frameBytes: 800 });
  world.wireBurst(vm, 20, 33, { ip: 4, l4: "tcp", frameBytes: 478 });
  world.vmBurst(vm, "wire", 147, { ip: 4, l4: "tcp", frameBytes: 701 }, undefined, false);
  const moves = world.bed.vswitch.vmq.moves;
  for (let i = 0; i < 100 && !moves.some((m) => m.reason !== "home"); i++) {
    await world.advance(10 * TICKS_PER_US);
  }
  const last = moves.at(-1);
  const pending = last !== undefined && last.completedAtTicks === null && last.error === null;
  await settleOn(world.bed, world.bed.removeVm(vm.vm));
  await world.bed.drain();
  return {
    pending,
    active: world.bed.adapter.activeQueues(),
    busy: world.bed.vswitch.vmq.requestFailures.get("queue-busy") ?? 0,
  };
}

/**
 * Found by the property (seed 1632731751) when drain stopped as soon as the accounting
 * had nothing in flight: a frame the switch had handed to the driver counts as sent, but
 * was still in the NIC's transmit path, so the model's wire never saw it. Drain now also
 * waits for the transmit side to empty.
 */
async function drainAfterVmLoad(): Promise<{ generated: number; accounted: number }> {
  const world = new SwitchWorld({
    policy: "none",
    queues: 2,
    backlogLimit: 32,
    sendBudget: 64,
    cheapSwitch: false,
    linkSpeedMbps: 1000,
    txPacketBufferBytes: 16 * 1024,
  });
  await world.start();
  await world.addVm(0, undefined);
  world.vmLoad(world.live[0]!, 50_000, 300 * TICKS_PER_US, { ip: 4, l4: "tcp", frameBytes: 800 });
  await world.advance(120 * TICKS_PER_US);
  await world.bed.drain();
  const { generated, observed, dropped, nicDrops } = world.tally();
  return { generated, accounted: observed + dropped + nicDrops };
}

describe("virtual switch + driver + NIC + host model-based test", () => {
  test(
    "keeps every invariant under VMs coming and going, bursts, load, VMQ steps and time",
    async () => {
      clearCounts();
      await fc.assert(switchModel(), { numRuns: RUNS });
      if (process.env.SWITCH_MODEL_VERBOSE) console.log(Object.fromEntries(commandCounts), totals);
      // Every command ran a fair number of times, and the states that matter were reached.
      expectEveryCommandRan(COMMAND_NAMES, Math.min(10, RUNS));
      expect(totals.handoffs, "freed queues handed to waiting VMs").toBeGreaterThan(0);
      expect(totals.clashes, "addresses refused on their VLAN").toBeGreaterThan(0);
      expect(totals.moves, "dynamic VMQ moves").toBeGreaterThan(0);
    },
    Math.max(60_000, RUNS * 2000),
  );

  // Regression: vmq-manager.ts `detach` freed a queue in the middle of a move, the driver
  // answered queue-busy, and the queue and its filter stayed allocated for good. It now
  // waits for the move to finish first.
  test("regression: a VM removed while its queue's move is pending has its queue freed", async () => {
    const { pending, active, busy } = await removeDuringMove();
    // The case does remove the VM mid-move (else the rest proves nothing).
    expect(pending).toBe(true);
    expect(busy).toBe(0);
    expect(active).toEqual([0]);
  });

  test("regression: drain waits for frames still in the NIC's transmit path", async () => {
    const { generated, accounted } = await drainAfterVmLoad();
    expect(generated).toBeGreaterThan(0);
    expect(accounted).toBe(generated);
  });
});
