import { describe, expect, it } from "vitest";
import { TICKS_PER_US } from "../../src/kernel/ticks.js";
import { NicHarness } from "./nic-harness.js";

describe("receive path, end to end through registers and host memory", () => {
  it("writes a frame into a posted buffer, writes the descriptor back and interrupts", () => {
    const h = new NicHarness({ queues: 4, vectors: 4 });
    h.write("IVAR", h.mask("IVAR", "RX_VALID") | 2, 0);
    h.write("EIMS", 1 << 2);
    h.write("MSIXVCTRL", 0, 2);
    const ring = h.setupRing("rx", 0, 8);
    const buffers = [0, 1, 2, 3].map(() => h.memory.alloc(2048));
    for (const [i, b] of buffers.entries()) h.postRx(ring, i, b);
    h.write("RDT", 4, 0);
    const frame = NicHarness.frame(100, 7);
    expect(h.nic.wire.inject(frame, 0, frame.length)).toBe(true);
    h.run(5 * TICKS_PER_US);
    const status = h.memory.readU32(ring + 8);
    expect(status & 1).toBe(1); // DD
    expect(status & 2).toBe(2); // EOP
    expect(h.memory.readU32(ring + 12) & 0xffff).toBe(100);
    const got = new Uint8Array(100);
    h.memory.read(buffers[0]!, got, 0, 100);
    expect(got).toEqual(frame);
    expect(h.read("RDH", 0)).toBe(1);
    expect(h.read("GPRC")).toBe(1);
    expect(h.read("QPRC", 0)).toBe(1);
    expect(h.messages.map((m) => m.vector)).toEqual([2]);
  });

  it("holds a frame in the packet buffer until a descriptor appears", () => {
    const h = new NicHarness({ queues: 2, vectors: 2 });
    const ring = h.setupRing("rx", 0, 8);
    const frame = NicHarness.frame(64, 1);
    h.nic.wire.inject(frame, 0, 64);
    h.run(5 * TICKS_PER_US);
    expect(h.nic.rxBufferedFrames).toBe(1);
    expect(h.read("QRNBC", 0)).toBe(1);
    const buffer = h.memory.alloc(2048);
    h.postRx(ring, 0, buffer);
    h.write("RDT", 1, 0);
    h.run(5 * TICKS_PER_US);
    expect(h.nic.rxBufferedFrames).toBe(0);
    expect(h.memory.readU32(ring + 8) & 3).toBe(3);
  });
});

describe("transmit path", () => {
  it("sends a posted frame on the wire and writes DD back", () => {
    const h = new NicHarness({ queues: 2, vectors: 2 });
    const ring = h.setupRing("tx", 1, 8);
    const frame = NicHarness.frame(200, 9);
    const buffer = h.memory.alloc(4096);
    h.memory.write(buffer, frame, 0, 200);
    h.postTx(ring, 0, buffer, 200);
    const sent: Uint8Array[] = [];
    h.nic.wire.onTransmit((f, len) => sent.push(f.slice(0, len)));
    h.write("TDT", 1, 1);
    h.run(10 * TICKS_PER_US);
    expect(sent).toEqual([frame]);
    expect(h.memory.readU32(ring + 12) & 1).toBe(1);
    expect(h.read("TDH", 1)).toBe(1);
    expect(h.read("GPTC")).toBe(1);
  });
});
