import { describe, expect, it } from "vitest";
import { TICKS_PER_NS, TICKS_PER_US } from "../../src/kernel/ticks.js";
import { NicHarness } from "./nic-harness.js";

/**
 * How queues wait and stop: a transmit tail inside a frame, DMA faults with frames in
 * flight, and FAULT cleared by clearing ENABLE. Each case is a bug the NIC model test
 * found (nic-model.test.ts keeps its counterexample too); these pin the behaviour down
 * in a few register writes.
 */

/** No allocation maps addresses below 4 GiB. */
const UNMAPPED = 0x1000;

/** Runs in 1 ns steps until `done` holds (at most `limitNs`); returns whether it did. */
function runUntil(h: NicHarness, done: () => boolean, limitNs = 100_000): boolean {
  for (let i = 0; i < limitNs && !done(); i++) h.run(TICKS_PER_NS);
  return done();
}

function bit(h: NicHarness, reg: string, field: string, q: number): number {
  return h.field(reg, field, h.peek(reg, q));
}

describe("transmit tail written inside a frame", () => {
  it("waits for the rest of the frame without stalling other queues, then sends it once", () => {
    const h = new NicHarness({ queues: 2, vectors: 2 });
    h.installWatchdog(); // the bug this pins down was an endless loop
    const sent: Uint8Array[] = [];
    h.nic.wire.onTransmit((f, len) => sent.push(f.slice(0, len)));
    const ring0 = h.setupRing("tx", 0, 8);
    const ring1 = h.setupRing("tx", 1, 8);
    const frame = NicHarness.frame(150, 1);
    const buffer = h.memory.alloc(4096);
    h.memory.write(buffer, frame, 0, frame.length);
    h.postTx(ring0, 0, buffer, 100, false, false);
    h.postTx(ring0, 1, buffer + 100, 50);
    h.write("TDT", 1, 0); // the first buffer only: no EOP yet
    const other = NicHarness.frame(80, 2);
    const otherBuffer = h.memory.alloc(4096);
    h.memory.write(otherBuffer, other, 0, other.length);
    h.postTx(ring1, 0, otherBuffer, other.length);
    h.write("TDT", 1, 1);
    h.run(10 * TICKS_PER_US);
    expect(sent).toEqual([other]);
    expect(h.read("TDH", 0)).toBe(0);
    h.write("TDT", 2, 0);
    h.run(10 * TICKS_PER_US);
    expect(sent).toEqual([other, frame]);
    expect(h.read("TDH", 0)).toBe(2);
    expect(h.peek("GPTC")).toBe(2);
  });
});

describe("a DMA fault stops the queue after its frames in flight", () => {
  it("receive: ENABLE reads 1 until the frame before the fault has landed", () => {
    const h = new NicHarness({ queues: 2, vectors: 2 });
    const ring = h.setupRing("rx", 0, 8);
    const buffer = h.memory.alloc(2048);
    h.postRx(ring, 0, buffer);
    h.postRx(ring, 1, UNMAPPED);
    h.write("RDT", 2, 0);
    for (const seq of [1, 2]) h.nic.wire.inject(NicHarness.frame(60, seq), 0, 60);
    expect(runUntil(h, () => bit(h, "RXDCTL", "FAULT", 0) === 1)).toBe(true);
    // The first frame is still on its way to host memory: the queue is stopping, not stopped.
    expect(h.nic.rxDma.framesInFlight).toBe(1);
    expect(bit(h, "RXDCTL", "ENABLE", 0)).toBe(1);
    expect(h.peek("QPRC", 0)).toBe(0);
    h.run(5 * TICKS_PER_US);
    expect(bit(h, "RXDCTL", "ENABLE", 0)).toBe(0);
    expect(h.peek("QPRC", 0)).toBe(1);
    expect(h.peek("RXDMADC")).toBe(1);
    expect(h.peek("DMAFC")).toBe(1);
    expect(h.field("OCR", "RX_DMA_FAULT", h.peek("OCR"))).toBe(1);
    expect(h.peek("FQUEUE")).toBe(0);
    expect(h.peek("FADDRL")).toBe(UNMAPPED);
    expect(h.memory.readU32(ring + 8)).toBe(3); // the first frame: DD | EOP
    expect(h.read("RDH", 0)).toBe(1);
    // Re-enabled on a fresh ring, the queue starts clean: nothing of the old frames follows.
    const fresh = h.setupRing("rx", 0, 8);
    h.postRx(fresh, 0, h.memory.alloc(2048));
    h.write("RDT", 1, 0);
    h.nic.wire.inject(NicHarness.frame(60, 3), 0, 60);
    h.run(5 * TICKS_PER_US);
    expect(h.memory.readU32(fresh + 8)).toBe(3);
    expect(h.read("RDH", 0)).toBe(1);
    expect(h.nic.rxQueues.inflight[0]).toBe(0);
  });

  it("transmit: ENABLE reads 1 until the frame before the fault has been read", () => {
    const h = new NicHarness({ queues: 2, vectors: 2 });
    const sent: Uint8Array[] = [];
    h.nic.wire.onTransmit((f, len) => sent.push(f.slice(0, len)));
    const ring = h.setupRing("tx", 1, 8);
    const frame = NicHarness.frame(100, 1);
    const buffer = h.memory.alloc(4096);
    h.memory.write(buffer, frame, 0, frame.length);
    h.postTx(ring, 0, buffer, frame.length);
    h.postTx(ring, 1, UNMAPPED, 100);
    h.write("TDT", 2, 1);
    expect(runUntil(h, () => bit(h, "TXDCTL", "FAULT", 1) === 1)).toBe(true);
    expect(bit(h, "TXDCTL", "ENABLE", 1)).toBe(1);
    expect(h.peek("QPTC", 1)).toBe(0);
    h.run(10 * TICKS_PER_US);
    expect(bit(h, "TXDCTL", "ENABLE", 1)).toBe(0);
    expect(sent).toEqual([frame]);
    expect(h.peek("QPTC", 1)).toBe(1);
    expect(h.read("TDH", 1)).toBe(1);
    expect(h.field("OCR", "TX_DMA_FAULT", h.peek("OCR"))).toBe(1);
    expect(h.peek("FQUEUE")).toBe(h.mask("FQUEUE", "TX") | 1);
    expect(h.peek("FADDRL")).toBe(UNMAPPED);
    // Re-enabled from TDH = 0 on a fresh ring: the old frame's completion moves nothing.
    const fresh = h.setupRing("tx", 1, 8);
    h.memory.write(buffer, frame, 0, frame.length);
    h.postTx(fresh, 0, buffer, frame.length);
    h.write("TDT", 1, 1);
    h.run(10 * TICKS_PER_US);
    expect(sent).toEqual([frame, frame]);
    expect(h.read("TDH", 1)).toBe(1);
  });
});

describe("clearing ENABLE clears FAULT", () => {
  it("on a receive queue a fault has stopped", () => {
    const h = new NicHarness({ queues: 2, vectors: 2 });
    const ring = h.setupRing("rx", 0, 8);
    h.postRx(ring, 0, UNMAPPED);
    h.write("RDT", 1, 0);
    h.nic.wire.inject(NicHarness.frame(60, 1), 0, 60);
    h.run(5 * TICKS_PER_US);
    expect(h.read("RXDCTL", 0)).toBe(h.mask("RXDCTL", "FAULT"));
    h.write("RXDCTL", 0, 0);
    expect(h.read("RXDCTL", 0)).toBe(0);
  });

  it("on a transmit queue a fault has stopped", () => {
    const h = new NicHarness({ queues: 2, vectors: 2 });
    const ring = h.setupRing("tx", 0, 8);
    h.postTx(ring, 0, UNMAPPED, 100);
    h.write("TDT", 1, 0);
    h.run(5 * TICKS_PER_US);
    expect(h.read("TXDCTL", 0)).toBe(h.mask("TXDCTL", "FAULT"));
    h.write("TXDCTL", 0, 0);
    expect(h.read("TXDCTL", 0)).toBe(0);
  });
});
