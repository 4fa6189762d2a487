import { describe, expect, test } from "vitest";
import { EITR_MAX_INTERVAL_US } from "../../src/hw/regs/map/interrupts.js";
import { TICKS_PER_MS } from "../../src/kernel/ticks.js";
import { summarize } from "../../src/sim/metrics/run-summary.js";
import type { Testbed } from "../../src/sim/testbed.js";
import type { ModerationPolicy } from "../../src/switch/moderation/moderation-policy.js";
import type { VmqPolicyName } from "../../src/switch/vmq/vmq-policy.js";
import { addVm, smallBed, vmMac } from "./rig-bed.js";

/**
 * The switch's moderation controller end to end: what it asks for reaches the device's
 * EITR registers through the driver's set-moderation request, on every vector that comes
 * into use; and the adaptive policy, under steady traffic, settles on longer intervals than
 * the shortest one and so raises fewer interrupts for the same frames.
 */

/** EITR's unit, from the register reference (2.048 us), written here as the oracle. */
const EITR_UNIT_US = 2.048;

/** The interval, in EITR units, each vector's register holds (read without side effects). */
function eitrUnits(bed: Testbed, vector: number): number {
  const map = bed.nic.regs.map;
  return map.fieldValue("EITR", "INTERVAL", bed.nic.regs.peek32(map.offsetOf("EITR", vector)));
}

/** `vms` VMs each receiving a steady 100,000 frames per second of 512 bytes for `ms`. */
async function steadyRun(
  policy: VmqPolicyName,
  moderation: ModerationPolicy,
  vms: number,
  ms = 40,
) {
  const bed = await smallBed(policy, { moderation });
  for (let i = 0; i < vms; i++) {
    const vm = await addVm(bed, `vm${i}`, vmMac(i));
    bed.addFlow(
      {
        name: `to-vm${i}`,
        ip: 4,
        l4: "udp",
        connections: 2,
        phases: [{ fromTicks: 0, toTicks: Infinity, framesPerSecond: 100_000, frameBytes: 512 }],
      },
      { from: "wire", to: vm },
    );
  }
  const start = bed.scheduler.nowTicks;
  await bed.advance(ms * TICKS_PER_MS);
  const duration = bed.scheduler.nowTicks - start;
  await bed.drain();
  return { bed, summary: summarize(bed, policy, duration) };
}

describe("the switch's interrupt moderation", () => {
  test("a fixed interval reaches EITR on every vector that serves queues", async () => {
    const { bed, summary } = await steadyRun("static", { kind: "fixed", intervalUs: 50 }, 3);
    const vectors = summary.perVector.map((v) => v.vector);
    // Static VMQ puts the three queues on processors 0, 1 and 2, round robin from home
    // (processor 0, where the default queue is): one vector each.
    expect(summary.perVector.map((v) => v.processor).sort()).toEqual([0, 1, 2]);
    for (const v of vectors) expect(eitrUnits(bed, v)).toBe(Math.round(50 / EITR_UNIT_US));
    const controller = bed.vswitch.moderation!;
    expect([...controller.intervals().keys()].sort()).toEqual([...vectors].sort());
  });

  test("adaptive moderation climbs from its start, on the profile, and EITR follows", async () => {
    const profile = [2, 8, 16, 32, 64];
    const { bed } = await steadyRun("dynamic", { kind: "adaptive", profileUs: profile }, 2);
    const controller = bed.vswitch.moderation!;
    const changes = controller.changes.filter((c) => c.vector === 0);
    expect(changes.length).toBeGreaterThan(1);
    for (const c of controller.changes) expect(profile).toContain(c.intervalUs);
    // Constant throughput: longer intervals lose nothing, so the climber leaves 8 us upward.
    expect(Math.max(...changes.map((c) => c.intervalUs))).toBeGreaterThan(8);
    const last = changes[changes.length - 1]!;
    expect(eitrUnits(bed, 0)).toBe(Math.round(last.intervalUs / EITR_UNIT_US));
  });

  test("adaptive raises fewer interrupts than the shortest fixed interval, for the same frames", async () => {
    const fixed = await steadyRun("dynamic", { kind: "fixed", intervalUs: 2 }, 2);
    const adaptive = await steadyRun("dynamic", { kind: "adaptive" }, 2);
    expect(adaptive.summary.delivered).toBe(fixed.summary.delivered);
    expect(adaptive.summary.droppedTotal).toBe(0);
    expect(adaptive.summary.interruptsPerSecond).toBeLessThan(fixed.summary.interruptsPerSecond);
  });

  test("an interval beyond the driver's longest is refused when the switch starts", async () => {
    await expect(
      smallBed("none", { moderation: { kind: "adaptive", profileUs: [2, 2000] } }),
    ).rejects.toThrow(/^moderation: profileUs\[1\] 2000: .*the driver's limit/);
    await expect(
      smallBed("none", { moderation: { kind: "fixed", intervalUs: 1100 } }),
    ).rejects.toThrow(RangeError);
  });

  test("the limit scenario files are checked against is the driver's", async () => {
    const bed = await smallBed("none");
    const caps = await bed.adapter.request({ kind: "query-capabilities" });
    // 511 units (EITR.INTERVAL is 9 bits) of 2.048 us.
    expect(EITR_MAX_INTERVAL_US).toBeCloseTo(511 * 2.048, 9);
    expect(caps.ok && caps.value.maxModerationUs).toBe(EITR_MAX_INTERVAL_US);
    const { bed: at } = await steadyRun(
      "none",
      { kind: "fixed", intervalUs: EITR_MAX_INTERVAL_US },
      1,
      2,
    );
    expect(eitrUnits(at, 0)).toBe(511);
  });
});
