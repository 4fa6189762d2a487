import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import type { SendOffload } from "../../src/driver/send-request.js";
import { TICKS_PER_MS, TICKS_PER_US } from "../../src/kernel/ticks.js";
import { PEER_MAC, type Testbed, type Vm } from "../../src/sim/testbed.js";
import { VMQ_POLICY_NAMES } from "../../src/switch/vmq/vmq-policy.js";
import { addVm, removeVm, settleOn, smallBed, tapVm, tapWire, vmMac } from "./rig-bed.js";
import {
  BROADCAST,
  buildFrame,
  frameId,
  headerBytes,
  ipHeaderChecksumOk,
  l4ChecksumOk,
  type Mac,
  MULTICAST,
  parseTestFrame,
  sameBytes,
  taggedPayload,
} from "./rig-frames.js";

/**
 * The switch's send side on a real testbed: VM-to-VM frames never touch the wire, floods
 * from a VM reach its VLAN and the wire, frames for the wire leave tagged with the port's
 * VLAN and with LSO and checksum offload done by the NIC (checked by the tests' own parser
 * and checksum), the backlog limit drops the excess as send-queue-full, and removing a
 * port drops what it still had waiting as port-removed and frees its queue.
 */

const policy = fc.constantFrom(...VMQ_POLICY_NAMES);
const vlanChoice = fc.constantFrom(undefined, 10, 20);

/** A frame a VM sends (untagged: the switch tags it for its port's VLAN). */
function vmFrame(
  dst: Mac,
  src: Mac,
  id: number,
  payloadBytes = 100,
  shape: { ip?: 4 | 6; l4?: "tcp" | "udp" } = {},
): Uint8Array {
  return buildFrame({
    dst,
    src,
    ip: shape.ip ?? 4,
    l4: shape.l4 ?? "udp",
    payload: taggedPayload(payloadBytes, id),
    checksums: "filled",
  });
}

/** `frame` with an 802.1Q tag for `vlan` after its addresses (the test's own insertion). */
function withTag(frame: Uint8Array, vlan: number | undefined): Uint8Array {
  if (vlan === undefined) return frame;
  const out = new Uint8Array(frame.length + 4);
  out.set(frame.subarray(0, 12), 0);
  out.set([0x81, 0x00, vlan >> 8, vlan & 0xff], 12);
  out.set(frame.subarray(12), 16);
  return out;
}

/** Where a VM's send goes in the VM-to-VM property. */
type Dest = "peer" | "vm" | "broadcast" | "multicast";

describe("VM sends: local switching and floods", () => {
  test.prop(
    [
      policy,
      vlanChoice,
      fc.array(
        fc.record({
          to: fc.constantFrom<Dest>("peer", "vm", "vm", "broadcast", "multicast"),
          payloadBytes: fc.integer({ min: 40, max: 1400 }),
        }),
        { minLength: 1, maxLength: 40 },
      ),
    ],
    { numRuns: 25 },
  )(
    "VM-to-VM unicast stays off the wire; floods reach the VLAN and the wire, tagged",
    async (name, vlan, sends) => {
      const bed = await smallBed(name);
      const other = vlan === 10 ? 20 : 10;
      // a sends; b is its peer VM; c has b's address on another VLAN; d shares a's VLAN.
      const a = await addVm(bed, "a", vmMac(0), vlan);
      const b = await addVm(bed, "b", vmMac(1), vlan);
      const c = await addVm(bed, "c", vmMac(1), other);
      const d = await addVm(bed, "d", vmMac(2), vlan);
      const [ta, tb, tc, td] = [a, b, c, d].map(tapVm);
      const wire = tapWire(bed);
      const dstOf = { peer: PEER_MAC, vm: vmMac(1), broadcast: BROADCAST, multicast: MULTICAST };
      const frames = sends.map((s, id) => vmFrame(dstOf[s.to], vmMac(0), id, s.payloadBytes));
      expect(
        bed.vswitch.send(
          a.port,
          frames.map((bytes) => ({ bytes })),
        ),
      ).toBe(frames.length);
      await bed.advance(2 * TICKS_PER_MS);

      const ids = (pick: (to: Dest) => boolean) =>
        sends.flatMap((s, id) => (pick(s.to) ? [id] : []));
      const group = (to: Dest) => to === "broadcast" || to === "multicast";
      const seen = (tap: typeof ta) => tap!.frames().map((f) => frameId(f.bytes, f.bytes.length));
      expect(seen(tb)).toEqual(ids((to) => to === "vm" || group(to)));
      expect(seen(td)).toEqual(ids(group));
      expect(seen(ta)).toEqual([]);
      expect(seen(tc)).toEqual([]);
      for (const f of tb!.frames()) {
        // Untagged bytes, the port's VLAN beside them, as a vNIC receives them.
        expect(sameBytes(f.bytes, frames[frameId(f.bytes, f.bytes.length)])).toBe(true);
        expect(f.vlanTci).toBe(vlan ?? -1);
      }
      // The wire sees the peer's frames and one copy of each flood, in send order, tagged.
      const out = ids((to) => to === "peer" || group(to));
      expect(wire.length).toBe(out.length);
      for (const [i, id] of out.entries()) {
        expect(sameBytes(wire[i]!, withTag(frames[id]!, vlan)), `wire frame ${i}`).toBe(true);
      }
      const stats = bed.adapter.statisticsNow()!;
      expect(stats.device.framesSent).toBe(out.length);
      const counters = bed.vswitch.counters;
      expect(counters.switchedLocally).toBe(ids((to) => to === "vm").length);
      expect(counters.sentToWire).toBe(out.length);
      expect(a.port.counters.sendsCompleted).toBe(out.length);
    },
  );

  test("a VM's frame for an address only on another VLAN goes to the wire, tagged", async () => {
    const bed = await smallBed("static");
    const a = await addVm(bed, "a", vmMac(0), 10);
    const c = await addVm(bed, "c", vmMac(1), 20);
    const tc = tapVm(c);
    const wire = tapWire(bed);
    const frame = vmFrame(vmMac(1), vmMac(0), 7);
    bed.vswitch.send(a.port, [{ bytes: frame }]);
    await bed.advance(TICKS_PER_MS);
    expect(tc.frames()).toEqual([]);
    expect(wire.length).toBe(1);
    expect(sameBytes(wire[0]!, withTag(frame, 10))).toBe(true);
  });
});

describe("a flood's local copies: one round per send", () => {
  // Regression (src/switch/send-path.ts): the switch remembered which requests it had
  // already copied locally by the request object, so a request sent twice went to the
  // wire twice but to the other VMs once.
  test("one request sent twice reaches the other VM twice and the wire twice", async () => {
    const bed = await smallBed("static");
    const a = await addVm(bed, "a", vmMac(0));
    const b = await addVm(bed, "b", vmMac(1));
    const tb = tapVm(b);
    const wire = tapWire(bed);
    const request = { bytes: vmFrame(BROADCAST, vmMac(0), 5) };
    expect(bed.vswitch.send(a.port, [request, request])).toBe(2);
    await bed.advance(2 * TICKS_PER_MS);
    expect(tb.frames().map((f) => frameId(f.bytes, f.bytes.length))).toEqual([5, 5]);
    expect(wire.map((f) => frameId(f, f.length))).toEqual([5, 5]);
    expect(bed.vswitch.counters.floodCopies).toBe(2);
  });

  test("a flood whose wire copy waits for ring room is copied to the other VM once", async () => {
    // A small transmit ring: the driver refuses wire copies, which are retried.
    const bed = await smallBed("static", { driver: { txRingSize: 16 } });
    const a = await addVm(bed, "a", vmMac(0));
    const b = await addVm(bed, "b", vmMac(1));
    const tb = tapVm(b);
    const wire = tapWire(bed);
    const count = 100;
    const frames = Array.from({ length: count }, (_, id) => vmFrame(BROADCAST, vmMac(0), id));
    const refusedBefore = bed.adapter.statisticsNow()!.driver.sendsRefused;
    expect(
      bed.vswitch.send(
        a.port,
        frames.map((bytes) => ({ bytes })),
      ),
    ).toBe(count);
    await bed.advance(5 * TICKS_PER_MS);
    expect(bed.adapter.statisticsNow()!.driver.sendsRefused).toBeGreaterThan(refusedBefore);
    const ids = frames.map((_, id) => id);
    expect(tb.frames().map((f) => frameId(f.bytes, f.bytes.length))).toEqual(ids);
    expect(wire.map((f) => frameId(f, f.length))).toEqual(ids);
  });
});

/** One VM on `vlan` sends `frames` with `offload`; returns the frames on the wire. */
async function sendOut(
  vlan: number | undefined,
  frames: readonly Uint8Array[],
  offload: SendOffload | undefined,
  name: (typeof VMQ_POLICY_NAMES)[number] = "static",
): Promise<{ wire: Uint8Array[]; bed: Testbed; vm: Vm }> {
  const bed = await smallBed(name);
  const vm = await addVm(bed, "a", vmMac(0), vlan);
  const wire = tapWire(bed);
  const requests = frames.map((bytes) => (offload === undefined ? { bytes } : { bytes, offload }));
  expect(bed.vswitch.send(vm.port, requests)).toBe(frames.length);
  await bed.advance(2 * TICKS_PER_MS);
  return { wire, bed, vm };
}

describe("VM sends to the wire: offloads and VLAN tags", () => {
  test.prop(
    [
      policy,
      vlanChoice,
      fc.constantFrom(4 as const, 6 as const),
      fc.integer({ min: 1, max: 30_000 }),
      fc.integer({ min: 200, max: 1460 }),
      fc.integer({ min: 0, max: 0xffff_ffff }),
    ],
    { numRuns: 25 },
  )(
    "LSO: the NIC cuts MSS segments that verify and reassemble",
    async (name, vlan, ip, size, mss, seq) => {
      const payload = taggedPayload(size, size);
      const frame = buildFrame({
        dst: PEER_MAC,
        src: vmMac(0),
        ip,
        l4: "tcp",
        payload,
        seq,
        checksums: "lso",
      });
      const { wire, bed } = await sendOut(vlan, [frame], { lsoMss: mss }, name);

      const count = Math.max(1, Math.ceil(payload.length / mss));
      expect(wire.length).toBe(count);
      const joined: number[] = [];
      wire.forEach((s, i) => {
        const p = parseTestFrame(s);
        expect(p.vlan).toBe(vlan ?? null);
        expect(p.dst).toEqual([...PEER_MAC]);
        const body = s.subarray(p.payloadStart, p.payloadEnd);
        expect(body.length).toBeLessThanOrEqual(mss);
        if (i < count - 1) expect(body.length).toBe(mss);
        expect(s.length).toBeLessThanOrEqual(
          Math.max(60, headerBytes({ vlan, ip, l4: "tcp" }) + mss),
        );
        expect(p.tcpSeq).toBe((seq + joined.length) % 2 ** 32);
        expect(ipHeaderChecksumOk(s, p), `segment ${i} IPv4 header checksum`).toBe(true);
        expect(l4ChecksumOk(s, p), `segment ${i} TCP checksum`).toBe(true);
        for (const byte of body) joined.push(byte);
      });
      expect(sameBytes(Uint8Array.from(joined), payload)).toBe(true);
      expect(bed.adapter.statisticsNow()!.device.framesSent).toBe(count);
    },
  );

  test.prop(
    [
      vlanChoice,
      fc.array(
        fc.record({
          ip: fc.constantFrom(4 as const, 6 as const),
          l4: fc.constantFrom("tcp" as const, "udp" as const),
          payloadBytes: fc.integer({ min: 20, max: 1400 }),
        }),
        { minLength: 1, maxLength: 12 },
      ),
    ],
    { numRuns: 20 },
  )(
    "checksum offload: the NIC fills the IPv4 header and TCP/UDP checksums",
    async (vlan, specs) => {
      const frames = specs.map((s, id) =>
        buildFrame({
          dst: PEER_MAC,
          src: vmMac(0),
          ip: s.ip,
          l4: s.l4,
          payload: taggedPayload(s.payloadBytes, id),
          checksums: "offload",
        }),
      );
      const bed = await smallBed("static");
      const vm = await addVm(bed, "a", vmMac(0), vlan);
      const wire = tapWire(bed);
      const requests = frames.map((bytes, id) => ({
        bytes,
        offload: { ipv4Checksum: specs[id]!.ip === 4, l4Checksum: true },
      }));
      expect(bed.vswitch.send(vm.port, requests)).toBe(frames.length);
      await bed.advance(2 * TICKS_PER_MS);

      expect(wire.length).toBe(frames.length);
      wire.forEach((s, i) => {
        const p = parseTestFrame(s);
        expect(p.vlan).toBe(vlan ?? null);
        expect(frameId(s, p.payloadEnd)).toBe(i);
        expect(ipHeaderChecksumOk(s, p), `frame ${i} IPv4 header checksum`).toBe(true);
        expect(l4ChecksumOk(s, p), `frame ${i} L4 checksum`).toBe(true);
        const sentPayload = frames[i]!.subarray(headerBytes({ ...specs[i]!, vlan: undefined }));
        expect(sameBytes(s.subarray(p.payloadStart, p.payloadEnd), sentPayload)).toBe(true);
      });
    },
  );

  test("without offload the checksum fields leave as the VM wrote them (the checker sees it)", async () => {
    const frame = buildFrame({
      dst: PEER_MAC,
      src: vmMac(0),
      ip: 4,
      l4: "tcp",
      payload: taggedPayload(300, 1),
      checksums: "offload",
    });
    const { wire } = await sendOut(30, [frame], undefined);
    expect(wire.length).toBe(1);
    const p = parseTestFrame(wire[0]!);
    expect(sameBytes(wire[0]!, withTag(frame, 30))).toBe(true);
    expect(ipHeaderChecksumOk(wire[0]!, p)).toBe(false);
    expect(l4ChecksumOk(wire[0]!, p)).toBe(false);
  });
});

describe("send backlog and port removal", () => {
  test.prop(
    [
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 5 }),
    ],
    { numRuns: 20 },
  )("sends beyond the backlog limit are dropped as send-queue-full", async (limit, chunks) => {
    const bed = await smallBed("static", { sendBacklogLimit: limit, sendBudget: 4 });
    const vm = await addVm(bed, "a", vmMac(0));
    const wire = tapWire(bed);
    let id = 0;
    let room = limit;
    const taken: number[] = [];
    for (const n of chunks) {
      const frames = Array.from({ length: n }, () => vmFrame(PEER_MAC, vmMac(0), id++));
      // No time passes between the calls: nothing drains, the backlog only fills.
      const accepted = bed.vswitch.send(
        vm.port,
        frames.map((bytes) => ({ bytes })),
      );
      expect(accepted).toBe(Math.min(n, room));
      for (let i = 0; i < accepted; i++) taken.push(frameId(frames[i]!, frames[i]!.length));
      room -= accepted;
    }
    const total = chunks.reduce((a, b) => a + b, 0);
    expect(bed.vswitch.counters.drops["send-queue-full"]).toBe(total - taken.length);
    await bed.advance(2 * TICKS_PER_MS);
    expect(wire.map((f) => frameId(f, f.length))).toEqual(taken);
  });

  test.prop([fc.integer({ min: 1, max: 40 }), fc.integer({ min: 100, max: 600 })], {
    numRuns: 10,
  })(
    "removing a port drops its waiting sends as port-removed and gives its queue to the next VM",
    async (waitUs, count) => {
      // One VMQ queue: a holds it, w waits for it.
      const bed = await smallBed("static", { vmq: { maxQueues: 1 } });
      const a = await addVm(bed, "a", vmMac(0));
      const w = await addVm(bed, "w", vmMac(1));
      const queue = a.port.queue;
      expect(queue).toBeGreaterThan(0);
      expect(w.port.queue).toBe(-1);
      const wire = tapWire(bed);
      const frames = Array.from({ length: count }, (_, id) => vmFrame(PEER_MAC, vmMac(0), id));
      expect(
        bed.vswitch.send(
          a.port,
          frames.map((bytes) => ({ bytes })),
        ),
      ).toBe(count);
      await bed.advance(waitUs * TICKS_PER_US);

      const waiting = a.port.pendingSends;
      const removal = bed.removeVm(a);
      // The waiting sends are dropped at once, before the queue is freed.
      expect(bed.vswitch.counters.drops["port-removed"]).toBe(waiting);
      await settleOn(bed, removal);
      expect(bed.vswitch.send(a.port, [{ bytes: frames[0]! }])).toBe(0);
      expect(bed.vswitch.counters.drops["port-removed"]).toBe(waiting + 1);
      await bed.drain();

      // The freed queue went to the VM that waited for it, and to nobody else.
      expect(w.port.queue).toBeGreaterThan(0);
      expect(bed.adapter.activeQueues()).toEqual([0, w.port.queue]);
      // Every send is on the wire (a prefix, in order) or counted as dropped.
      const failed = bed.vswitch.counters.drops["send-failed"];
      expect(wire.length + waiting + failed).toBe(count);
      expect(wire.map((f) => frameId(f, f.length))).toEqual(
        Array.from({ length: wire.length }, (_, i) => i),
      );
      await removeVm(bed, w);
      expect(bed.adapter.activeQueues()).toEqual([0]);
    },
  );
});

describe("sends keep their order when a VM is given a queue", () => {
  // Regression (src/switch/send-path.ts): a VM that got a queue while sends of its were
  // still in the default queue's ring sent the next ones on its own queue at once, and the
  // device, serving rings in turn, put them on the wire first (28 of 600 out of order).
  test("a waiting VM's sends stay in order across the hand-over of a freed queue", async () => {
    // A cheap switch outpaces the wire, so that sends pile up in the driver's ring.
    const bed = await smallBed("static", {
      vmq: { maxQueues: 1 },
      switchCosts: { lookupCycles: 100 },
    });
    const a = await addVm(bed, "a", vmMac(0));
    const w = await addVm(bed, "w", vmMac(1));
    const wire = tapWire(bed);
    const frames = Array.from({ length: 600 }, (_, id) => vmFrame(PEER_MAC, vmMac(1), id, 1200));
    expect(
      bed.vswitch.send(
        w.port,
        frames.map((bytes) => ({ bytes })),
      ),
    ).toBe(600);
    await bed.advance(150 * TICKS_PER_US);
    await removeVm(bed, a);
    // w holds the queue now, with sends still waiting on the default queue's ring.
    expect(w.port.queue).toBeGreaterThan(0);
    expect(bed.adapter.queueInfo(0)!.txPendingSends).toBeGreaterThan(0);
    expect(w.port.pendingSends).toBeGreaterThan(0);
    await bed.advance(5 * TICKS_PER_MS);
    expect(wire.map((f) => frameId(f, f.length))).toEqual(frames.map((_, id) => id));
    expect(w.port.counters.sendsCompleted).toBe(600);
  });
});

describe("send options", () => {
  test("a send budget below 1 or a negative backlog limit is refused when the switch is built", async () => {
    // A budget of 0 would reschedule a port's send routine forever without taking a send.
    await expect(smallBed("none", { sendBudget: 0 })).rejects.toThrow(/sendBudget/);
    await expect(smallBed("none", { sendBacklogLimit: -1 })).rejects.toThrow(/sendBacklogLimit/);
  });
});

describe("what a VM's sends to the wire cost the switch", () => {
  // Costs computed here from the cost model the test sets, not read from the switch: a
  // lookup per frame, and for an access port the copy that adds the tag (the frame's own
  // bytes). Batch costs are zeroed so the count of routine runs does not matter; a small
  // transmit ring makes the driver refuse part of each batch, and a refused frame must not
  // be paid for twice when it is sent later.
  const LOOKUP = 1000;
  const COPY_PER_BYTE = 2;
  test.prop(
    [
      fc.integer({ min: 1, max: 120 }),
      fc.constantFrom(undefined, 10),
      fc.constantFrom(16, 256),
      fc.integer({ min: 60, max: 900 }),
    ],
    { numRuns: 12 },
  )(
    "each frame the driver takes costs one lookup (and its tag copy), once",
    async (n, vlan, ring, payload) => {
      const bed = await smallBed("static", {
        driver: { txRingSize: ring },
        switchCosts: { lookupCycles: LOOKUP, copyByteCycles: COPY_PER_BYTE, batchCycles: 0 },
      });
      const vm = await addVm(bed, "a", vmMac(0), vlan);
      const wire = tapWire(bed);
      const frames = Array.from({ length: n }, (_, i) => vmFrame(PEER_MAC, vmMac(0), i, payload));
      const before = [0, 1, 2, 3].map((p) => bed.host.busyCyclesByKind(p).switch);
      expect(
        bed.vswitch.send(
          vm.port,
          frames.map((bytes) => ({ bytes })),
        ),
      ).toBe(n);
      await bed.advance(20 * TICKS_PER_MS);
      expect(wire.length).toBe(n);
      const spent = [0, 1, 2, 3].reduce(
        (sum, p) => sum + bed.host.busyCyclesByKind(p).switch - before[p]!,
        0,
      );
      const perFrame = (f: Uint8Array) =>
        LOOKUP + (vlan === undefined ? 0 : COPY_PER_BYTE * f.length);
      expect(spent).toBe(frames.reduce((sum, f) => sum + perFrame(f), 0));
    },
  );
});
