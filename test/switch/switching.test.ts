import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import type { ReceivedFrame } from "../../src/driver/received-frame.js";
import { TICKS_PER_MS } from "../../src/kernel/ticks.js";
import { PEER_MAC, type Testbed, type Vm } from "../../src/sim/testbed.js";
import type { SwitchDropReason } from "../../src/switch/switch-counters.js";
import { VMQ_POLICY_NAMES } from "../../src/switch/vmq/vmq-policy.js";
import { addVm, injectAll, smallBed, tapVm, tapWire, type VmTap, vmMac } from "./rig-bed.js";
import {
  BROADCAST,
  buildFrame,
  frameId,
  type Mac,
  MULTICAST,
  sameBytes,
  taggedPayload,
} from "./rig-frames.js";

/**
 * The switch's receive side on a real testbed (NIC, driver, host): frames from the wire
 * reach the port their destination MAC and VLAN name, floods stay within their VLAN,
 * what cannot be delivered is counted under the reason the switch gives, each receive
 * indication reaches a VM as one batch, and the switch's cycles are charged as the cost
 * model says, on the processor that ran the DPC. Expectations come from the tests' own
 * model of who should get what.
 */

const policy = fc.constantFrom(...VMQ_POLICY_NAMES);

/** A VM's address (index into the pool; index 5 is never given to a VM) and VLAN. */
interface VmSpec {
  readonly mac: number;
  readonly vlan: number | undefined;
}

/** A frame from the peer: to a pool address, the broadcast or a multicast address. */
interface WireFrameSpec {
  readonly dst: number | "broadcast" | "multicast";
  readonly vlan: number | undefined;
  readonly ip: 4 | 6;
  readonly l4: "tcp" | "udp";
  readonly payloadBytes: number;
}

const UNKNOWN_MAC = 5;
const vlanChoice = fc.constantFrom(undefined, 10, 20);

const vmSpecs = fc.uniqueArray(
  fc.record({ mac: fc.integer({ min: 0, max: UNKNOWN_MAC - 1 }), vlan: vlanChoice }),
  { minLength: 1, maxLength: 10, selector: (v) => `${v.mac}/${v.vlan}` },
);

const wireFrame: fc.Arbitrary<WireFrameSpec> = fc.record({
  dst: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: UNKNOWN_MAC }) },
    { weight: 1, arbitrary: fc.constantFrom("broadcast" as const, "multicast" as const) },
  ),
  vlan: fc.constantFrom(undefined, 10, 20, 30),
  ip: fc.constantFrom(4 as const, 6 as const),
  l4: fc.constantFrom("tcp" as const, "udp" as const),
  payloadBytes: fc.integer({ min: 40, max: 1400 }),
});

function macOf(dst: WireFrameSpec["dst"]): Mac {
  if (dst === "broadcast") return BROADCAST;
  if (dst === "multicast") return MULTICAST;
  return vmMac(dst);
}

/** Frame `id`'s bytes: the payload ends with the id. */
function wireBytes(s: WireFrameSpec, id: number): Uint8Array {
  return buildFrame({
    dst: macOf(s.dst),
    src: PEER_MAC,
    vlan: s.vlan,
    ip: s.ip,
    l4: s.l4,
    payload: taggedPayload(s.payloadBytes, id),
    checksums: "filled",
  });
}

/** Who should get each frame, or why nobody does: the tests' own switching rules. */
interface Expected {
  readonly receivers: Map<number, number[]>;
  readonly drops: Record<SwitchDropReason, number>;
  readonly unicastDelivered: number;
  readonly flooded: number;
  readonly floodCopies: number;
}

function expectedDelivery(vms: readonly VmSpec[], frames: readonly WireFrameSpec[]): Expected {
  const receivers = new Map<number, number[]>(vms.map((_, i) => [i, []]));
  const drops = zeroDrops();
  let unicastDelivered = 0;
  let flooded = 0;
  let floodCopies = 0;
  frames.forEach((f, id) => {
    if (f.dst === "broadcast" || f.dst === "multicast") {
      const members = vms.flatMap((v, i) => (v.vlan === f.vlan ? [i] : []));
      if (members.length === 0) drops["no-port-in-vlan"]++;
      else flooded++;
      floodCopies += members.length;
      for (const i of members) receivers.get(i)!.push(id);
      return;
    }
    const owner = vms.findIndex((v) => v.mac === f.dst && v.vlan === f.vlan);
    if (owner >= 0) {
      unicastDelivered++;
      receivers.get(owner)!.push(id);
    } else if (vms.some((v) => v.mac === f.dst)) {
      drops["vlan-mismatch"]++;
    } else {
      drops["unknown-destination"]++;
    }
  });
  return { receivers, drops, unicastDelivered, flooded, floodCopies };
}

function zeroDrops(): Record<SwitchDropReason, number> {
  return {
    "unknown-destination": 0,
    "vlan-mismatch": 0,
    "no-port-in-vlan": 0,
    "send-queue-full": 0,
    "port-removed": 0,
    "send-failed": 0,
  };
}

/** Queues of ports on no VLAN with address `macKey`: their filters ignore VLAN tags. */
function untaggedQueuesOf(vms: readonly Vm[], macKey: number): number[] {
  return vms
    .filter((v) => v.port.macKey === macKey && v.port.vlan === 0 && v.port.queue >= 0)
    .map((v) => v.port.queue);
}

async function bedWithVms(
  name: (typeof VMQ_POLICY_NAMES)[number],
  specs: readonly VmSpec[],
): Promise<{ bed: Testbed; vms: Vm[]; taps: VmTap[] }> {
  const bed = await smallBed(name);
  const vms: Vm[] = [];
  for (const [i, s] of specs.entries()) vms.push(await addVm(bed, `vm${i}`, vmMac(s.mac), s.vlan));
  return { bed, vms, taps: vms.map(tapVm) };
}

describe("switching frames from the wire", () => {
  test.prop([policy, vmSpecs, fc.array(wireFrame, { minLength: 1, maxLength: 40 })], {
    numRuns: 30,
  })(
    "unicast by MAC and VLAN, floods within the VLAN, the rest counted by reason",
    async (name, specs, frames) => {
      const { bed, vms, taps } = await bedWithVms(name, specs);
      const wire = tapWire(bed);
      const sent = frames.map((f, id) => wireBytes(f, id));
      injectAll(bed, sent);
      await bed.advance(2 * TICKS_PER_MS);

      const want = expectedDelivery(specs, frames);
      for (const [i, tap] of taps.entries()) {
        const got = tap.frames();
        const ids = got.map((f) => frameId(f.bytes, f.bytes.length));
        expect(
          [...ids].sort((a, b) => a - b),
          `vm${i}`,
        ).toEqual(want.receivers.get(i));
        for (const f of got) {
          const id = frameId(f.bytes, f.bytes.length);
          expect(sameBytes(f.bytes, sent[id]), `frame ${id}'s bytes`).toBe(true);
          expect(f.vlanTci).toBe(frames[id]!.vlan ?? -1);
          const unicast = typeof frames[id]!.dst === "number";
          // Unicast arrives in the VM's own queue while it has one, floods in the default;
          // a queue whose filter tests the address alone (a port on no VLAN) also takes
          // that address's tagged frames, which the switch then forwards by lookup.
          const steered = unicast ? [Math.max(0, vms[i]!.port.queue)] : [0];
          if (unicast) steered.push(...untaggedQueuesOf(vms, vms[i]!.port.macKey));
          expect(steered).toContain(f.queue);
        }
        // Unicast frames share one queue: they keep the wire's order.
        const unicastIds = ids.filter((id) => typeof frames[id]!.dst === "number");
        expect(unicastIds).toEqual([...unicastIds].sort((a, b) => a - b));
      }
      const c = bed.vswitch.counters;
      expect(c.drops).toEqual(want.drops);
      expect(c.deliveredFromWire).toBe(want.unicastDelivered);
      expect(c.floodedFromWire).toBe(want.flooded);
      expect(c.floodCopies).toBe(want.floodCopies);
      expect(c.framesFromWire).toBe(frames.length);
      // Nothing from the wire goes back out.
      expect(wire).toEqual([]);
      expect(bed.adapter.statisticsNow()?.device.framesSent).toBe(0);
    },
  );

  test("a frame for an address on another VLAN is a vlan-mismatch, an unknown one dropped", async () => {
    const { bed, taps } = await bedWithVms("static", [{ mac: 0, vlan: 10 }]);
    const to = (mac: number, vlan: number | undefined, id: number) =>
      wireBytes({ dst: mac, vlan, ip: 4, l4: "udp", payloadBytes: 100 }, id);
    injectAll(bed, [to(0, 20, 0), to(0, undefined, 1), to(3, 10, 2), to(0, 10, 3)]);
    await bed.advance(TICKS_PER_MS);
    const c = bed.vswitch.counters;
    expect(c.drops["vlan-mismatch"]).toBe(2);
    expect(c.drops["unknown-destination"]).toBe(1);
    expect(taps[0]!.frames().map((f) => frameId(f.bytes, f.bytes.length))).toEqual([3]);
  });
});

/** What one receive indication carried and which receivers it reached. */
interface IndicationRecord {
  readonly queue: number;
  readonly processor: number;
  readonly frames: { readonly id: number; readonly length: number; readonly group: boolean }[];
  /** Receiver calls during the indication: VM index and frame ids, in call order. */
  readonly calls: { readonly vm: number; readonly ids: number[] }[];
}

/** A lent frame's own bytes: a view into the lender's area, read during the call only. */
function bytesOf(f: ReceivedFrame): Uint8Array {
  return f.bytes.subarray(f.offset, f.offset + f.length);
}

/** Records every indication the switch gets from the driver, and the receiver calls it makes. */
function recordIndications(bed: Testbed, vms: readonly Vm[]): IndicationRecord[] {
  const log: IndicationRecord[] = [];
  let current: IndicationRecord | null = null;
  for (const [i, vm] of vms.entries()) {
    const inner = vm.port.receiver;
    vm.port.receiver = (port, frames, at) => {
      current?.calls.push({ vm: i, ids: frames.map((f) => frameId(bytesOf(f), f.length)) });
      inner(port, frames, at);
    };
  }
  const indicate = bed.adapter.onReceive;
  bed.adapter.onReceive = (queue, frames) => {
    current = {
      queue,
      processor: bed.host.currentProcessor() ?? -1,
      frames: frames.map((f) => ({
        id: frameId(bytesOf(f), f.length),
        length: f.length,
        group: (bytesOf(f)[0]! & 1) !== 0,
      })),
      calls: [],
    };
    indicate(queue, frames);
    log.push(current);
    current = null;
  };
  return log;
}

describe("batches", () => {
  test.prop(
    [
      policy,
      fc.array(
        fc.record({ dst: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant("broadcast")) }),
        { minLength: 20, maxLength: 60 },
      ),
    ],
    { numRuns: 15 },
  )("each indication reaches each VM in one call, with its frames in order", async (name, to) => {
    const specs = [0, 1, 2].map((mac) => ({ mac, vlan: undefined }));
    const { bed, vms } = await bedWithVms(name, specs);
    const log = recordIndications(bed, vms);
    const frames = to.map(
      (t): WireFrameSpec => ({ dst: t.dst, vlan: undefined, ip: 4, l4: "udp", payloadBytes: 200 }),
    );
    injectAll(
      bed,
      frames.map((f, id) => wireBytes(f, id)),
    );
    await bed.advance(2 * TICKS_PER_MS);

    let calls = 0;
    for (const ind of log) {
      const callers = ind.calls.map((c) => c.vm);
      expect(new Set(callers).size, "one call per VM per indication").toBe(callers.length);
      for (const [i] of vms.entries()) {
        const mine = ind.frames.filter((f) => f.group || frames[f.id]!.dst === i).map((f) => f.id);
        const call = ind.calls.find((c) => c.vm === i);
        expect(call?.ids ?? [], `vm${i}`).toEqual(mine);
      }
      calls += ind.calls.length;
    }
    const delivered = frames.reduce((n, f) => n + (f.dst === "broadcast" ? 3 : 1), 0);
    expect(log.reduce((n, ind) => n + ind.frames.length, 0)).toBe(frames.length);
    // Frames arrive faster than interrupts are moderated: batches really hold several.
    expect(calls).toBeLessThan(delivered);
  });
});

/** Switch costs with every figure distinct, so that a mix-up shows. */
const COSTS = { lookupCycles: 3100, vmqFrameCycles: 700, copyByteCycles: 3, batchCycles: 450 };

describe("what switching costs, and where", () => {
  test.prop(
    [
      fc.array(
        fc.record({
          to: fc.constantFrom("own" as const, "default" as const, "broadcast" as const),
          payloadBytes: fc.integer({ min: 40, max: 1400 }),
        }),
        { minLength: 1, maxLength: 60 },
      ),
    ],
    { numRuns: 15 },
  )(
    "own-queue frames cost vmqFrameCycles; default-queue frames a lookup and a copy, on the DPC's processor",
    async (frames) => {
      // Static VMQ with two queues: c takes processor 0's, a processor 1's; b gets none.
      const bed = await smallBed("static", { switchCosts: COSTS, vmq: { maxQueues: 2 } });
      const c = await addVm(bed, "c", vmMac(2));
      const a = await addVm(bed, "a", vmMac(0));
      const b = await addVm(bed, "b", vmMac(1));
      expect(b.port.queue).toBe(-1);
      const ownQueue = a.port.queue;
      const ownProcessor = bed.adapter.queueInfo(ownQueue)!.affinity;
      const homeProcessor = bed.adapter.queueInfo(0)!.affinity;
      expect(ownProcessor).not.toBe(homeProcessor);
      const log = recordIndications(bed, [a, b, c]);
      const before = [0, 1, 2, 3].map((p) => bed.host.busyCyclesByKind(p).switch);
      const specs = frames.map(
        (f): WireFrameSpec => ({
          dst: f.to === "broadcast" ? "broadcast" : f.to === "own" ? 0 : 1,
          vlan: undefined,
          ip: 4,
          l4: "tcp",
          payloadBytes: f.payloadBytes,
        }),
      );
      injectAll(
        bed,
        specs.map((s, id) => wireBytes(s, id)),
      );
      await bed.advance(2 * TICKS_PER_MS);

      // The cost model, applied to what each indication carried.
      const want = [0, 0, 0, 0];
      let ownFrames = 0;
      for (const ind of log) {
        let cycles = COSTS.batchCycles;
        for (const f of ind.frames) {
          const copy = COSTS.copyByteCycles * f.length;
          if (f.group) cycles += COSTS.lookupCycles + 3 * copy;
          else if (ind.queue === ownQueue) cycles += COSTS.vmqFrameCycles;
          else cycles += COSTS.lookupCycles + copy;
          if (!f.group && ind.queue === ownQueue) ownFrames++;
        }
        want[ind.processor]! += cycles;
      }
      const got = [0, 1, 2, 3].map((p) => bed.host.busyCyclesByKind(p).switch - before[p]!);
      expect(got).toEqual(want);
      // Every frame for a was steered to its queue, and only those.
      expect(ownFrames).toBe(frames.filter((f) => f.to === "own").length);
      expect(
        log.every(
          (ind) => ind.processor === (ind.queue === ownQueue ? ownProcessor : homeProcessor),
        ),
      ).toBe(true);
    },
  );
});
