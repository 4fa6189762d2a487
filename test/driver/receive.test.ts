import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TICKS_PER_US } from "../../src/kernel/ticks.js";
import {
  bytesEqual,
  fillChecksums,
  HOST_MAC,
  seqFrame,
  seqOf,
  tcpFrame,
  udpFrame,
} from "./frames.js";
import { DriverRig } from "./rig.js";

/** Asserts that queue q's ring and pool hold every buffer: posted + free = capacity, ring full. */
function expectNoLeak(rig: DriverRig, q: number, ringSize: number): void {
  const info = rig.adapter.queueInfo(q)!;
  expect(info.rxPosted).toBe(ringSize - 1);
  expect(info.rxPosted + info.rxBuffersFree).toBe(info.rxBuffers);
}

describe("receive path", () => {
  it("indicates every frame, bytes intact and in order, and keeps the ring stocked", async () => {
    const rig = new DriverRig({ adapter: { rxRingSize: 64 } });
    await rig.start();
    const sent: Uint8Array[] = [];
    for (let seq = 0; seq < 3000; seq++) {
      const frame = seqFrame(HOST_MAC, seq, 60 + ((seq * 97) % 1455));
      sent.push(frame);
      rig.inject(frame);
    }
    rig.drain();
    expect(rig.received.length).toBe(sent.length);
    const wrong = rig.received.filter(
      (r, i) =>
        r.queue !== 0 ||
        r.processor !== 0 ||
        !bytesEqual(r.bytes, sent[i]!) ||
        r.filterIndex !== -1 ||
        r.vlanTci !== -1,
    );
    expect(wrong).toEqual([]);
    expectNoLeak(rig, 0, 64);
    // Many frames per interrupt: the DPC takes what is there, in batches.
    expect(Math.max(...rig.received.map((r) => r.batch))).toBeGreaterThan(1);
    const stats = await rig.settle(rig.adapter.request({ kind: "query-statistics" }));
    if (!stats.ok) throw new Error(stats.error.message);
    expect(stats.value.device.framesReceived).toBe(3000);
    expect(stats.value.driver.framesIndicated).toBe(3000);
    expect(stats.value.queues[0]).toMatchObject({
      queue: 0,
      framesReceived: 3000,
      framesDropped: 0,
    });
    expect(stats.value.device.bytesReceived).toBe(sent.reduce((n, f) => n + f.length, 0));
  });

  it("lends a batch's frames in one staging area, one after another (no view per frame)", async () => {
    const rig = new DriverRig();
    await rig.start();
    const record = rig.adapter.onReceive;
    const batches: boolean[] = [];
    rig.adapter.onReceive = (queue, frames) => {
      let at = 0;
      let shared = true;
      for (const f of frames) {
        shared &&= f.bytes === frames[0]!.bytes && f.offset === at;
        at += f.length;
      }
      batches.push(shared);
      record(queue, frames);
    };
    for (let seq = 0; seq < 300; seq++)
      rig.inject(seqFrame(HOST_MAC, seq, 60 + ((seq * 97) % 1400)));
    rig.drain();
    expect(rig.received.map((r) => seqOf(r.bytes))).toEqual([...Array(300).keys()]);
    expect(Math.max(...rig.received.map((r) => r.batch))).toBeGreaterThan(1);
    expect(batches.every((shared) => shared)).toBe(true);
  });

  it("throttles: at most the budget per DPC run, the rest in the next run, vector masked meanwhile", async () => {
    const rig = new DriverRig({ adapter: { rxRingSize: 512, rxBudget: 8, moderationUs: 100 } });
    await rig.start();
    // A burst that lands while the first DPC is still to run.
    for (let seq = 0; seq < 200; seq++) rig.inject(seqFrame(HOST_MAC, seq, 64));
    rig.drain();
    expect(rig.received.map((r) => seqOf(r.bytes))).toEqual([...Array(200).keys()]);
    expect(Math.max(...rig.received.map((r) => r.batch))).toBe(8);
    const stats = await rig.settle(rig.adapter.request({ kind: "query-statistics" }));
    if (!stats.ok) throw new Error(stats.error.message);
    expect(stats.value.driver.budgetExhausted).toBeGreaterThan(0);
    // Far fewer interrupts than frames: the DPC re-queued itself instead.
    expect(stats.value.driver.interrupts).toBeLessThan(200 / 4);
    expectNoLeak(rig, 0, 512);
  });

  it("gathers a frame spread over several buffers", async () => {
    const rig = new DriverRig({ adapter: { rxBufferBytes: 1024, rxRingSize: 32 } });
    await rig.start();
    const frames = [1514, 60, 1025, 1024, 2000].map((n, i) =>
      seqFrame(HOST_MAC, i, Math.min(n, 1514)),
    );
    for (const f of frames) rig.inject(f);
    rig.drain();
    expect(rig.received.map((r) => r.bytes)).toEqual(frames);
    expect(rig.received.map((r) => r.descriptors)).toEqual([2, 1, 2, 1, 2]);
    expectNoLeak(rig, 0, 32);
  });

  it("reports checksum results and VLAN tags from the descriptor", async () => {
    const rig = new DriverRig();
    await rig.start();
    const good = fillChecksums(udpFrame(HOST_MAC, new Uint8Array(100).fill(7)));
    const badL4 = fillChecksums(tcpFrame(HOST_MAC, new Uint8Array(50).fill(1), 99));
    badL4[badL4.length - 1]! ^= 0xff;
    const tagged = seqFrame(HOST_MAC, 5, 80);
    tagged.copyWithin(16, 12, 76);
    tagged.set([0x81, 0x00, 0x20, 0x2a], 12); // PCP 1, VID 42
    for (const f of [good, badL4, tagged]) rig.inject(f);
    rig.drain();
    expect(rig.received.map((r) => [r.ipChecksum, r.l4Checksum, r.vlanTci])).toEqual([
      ["good", "good", -1],
      ["good", "bad", -1],
      ["not-checked", "not-checked", 0x202a],
    ]);
  });

  it("never loses, duplicates or reorders, whatever the sizes, budget and ring (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 60, max: 1514 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 32 }),
        fc.constantFrom(8, 16, 64),
        fc.integer({ min: 0, max: 3 }),
        async (lengths, budget, ringSize, gapUs) => {
          const rig = new DriverRig({ adapter: { rxBudget: budget, rxRingSize: ringSize } });
          await rig.start();
          lengths.forEach((n, seq) => {
            rig.inject(seqFrame(HOST_MAC, seq, n));
            if (gapUs > 0 && seq % 17 === 0) rig.run(gapUs * TICKS_PER_US);
          });
          rig.drain();
          // With a small ring and no drop, frames wait in the packet buffer: none is lost.
          expect(rig.received.map((r) => seqOf(r.bytes))).toEqual(lengths.map((_, i) => i));
          expect(rig.received.map((r) => r.bytes.length)).toEqual(lengths);
          expectNoLeak(rig, 0, ringSize);
        },
      ),
      { numRuns: 12 },
    );
  });
});
