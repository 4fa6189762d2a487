import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NicHarness } from "./nic-harness.js";

// The oracle: Ethernet's rules, written out here rather than taken from the model.
// A frame (held without FCS) occupies the line for its bytes, the 4-byte FCS, the 7-byte
// preamble and 1-byte start delimiter before it, and the 12-byte inter-frame gap after
// it. A tap sees the frame when its last FCS bit has arrived: 12 bytes (the gap) before
// the line is free for the next preamble.
const FCS = 4;
const PREAMBLE_SFD = 8;
const IFG = 12;
/** The shortest frame a transmitter sends (without FCS); shorter ones are padded with zeros. */
const MIN_TX_FRAME = 60;

const SPEEDS_MBPS = [1_000, 10_000, 25_000, 40_000, 100_000] as const;
type Speed = (typeof SPEEDS_MBPS)[number];

/** Picoseconds (ticks) per bit: a bit lasts 1 / (Mb/s * 1e6) s = 1e6 / (Mb/s) ps. */
function psPerBit(mbps: number): number {
  return 1_000_000 / mbps;
}

/** Ticks from the first preamble bit to the last FCS bit. */
function startToFcsEnd(len: number, mbps: number): number {
  return (PREAMBLE_SFD + len + FCS) * 8 * psPerBit(mbps);
}

/** Ticks the frame keeps the line busy, gap included: (len + 4 + 8 + 12) * 8 bits. */
function wireTime(len: number, mbps: number): number {
  return (len + FCS + PREAMBLE_SFD + IFG) * 8 * psPerBit(mbps);
}

/**
 * Minimum-size (64 bytes with FCS) back-to-back spacing and rate at each speed, written
 * out by hand: 84 bytes = 672 bits per frame. 10 Gb/s: 67.2 ns, 14.88 Mframes/s.
 */
const MIN_FRAME_SPACING_PS: Record<Speed, number> = {
  1000: 672_000,
  10000: 67_200,
  25000: 26_880,
  40000: 16_800,
  100000: 6_720,
};
const MIN_FRAME_MFPS: Record<Speed, number> = {
  1000: 1.488095,
  10000: 14.880952,
  25000: 37.202381,
  40000: 59.52381,
  100000: 148.809524,
};

interface TapRecord {
  dir: "rx" | "tx";
  at: number;
  bytes: Uint8Array;
}

function tapWire(h: NicHarness): TapRecord[] {
  const taps: TapRecord[] = [];
  h.nic.wire.tap((dir, frame, length, at) => {
    taps.push({ dir, at, bytes: frame.slice(0, length) });
    // The tap is called as the frame's last bit arrives, so its tick is "now".
    if (at !== h.scheduler.nowTicks) throw new Error(`tap at ${at}, now ${h.scheduler.nowTicks}`);
  });
  return taps;
}

/** Every consecutive pair in one direction is at least the later frame's wire time apart. */
function expectNeverAboveLineRate(taps: readonly TapRecord[], mbps: number): void {
  const violations: string[] = [];
  for (let i = 1; i < taps.length; i++) {
    const prev = taps[i - 1]!;
    const cur = taps[i]!;
    // The later frame's preamble may start only once the earlier frame's gap has passed,
    // which is the same as the two FCS ends being at least the later frame's wire time apart.
    const curStart = cur.at - startToFcsEnd(cur.bytes.length, mbps);
    const prevLineFree = prev.at + IFG * 8 * psPerBit(mbps);
    const spacing = cur.at - prev.at;
    if (curStart < prevLineFree || spacing < wireTime(cur.bytes.length, mbps)) {
      violations.push(`${cur.dir} frame ${i} (${cur.bytes.length} B) ${spacing} ps after the last`);
    }
  }
  expect(violations).toEqual([]);
}

/** A frame of `len` bytes with recognisable contents (no FCS). */
function frame(len: number, seq: number): Uint8Array {
  const f = new Uint8Array(len);
  for (let i = 0; i < len; i++) f[i] = (seq * 7 + i * 13) & 0xff;
  if (len >= 4) new DataView(f.buffer).setUint32(0, seq);
  return f;
}

/** Writes `frames` into fresh buffers and TX descriptors of `ring` from index `first` on. */
function postTxFrames(
  h: NicHarness,
  ring: number,
  first: number,
  frames: readonly Uint8Array[],
): void {
  frames.forEach((f, i) => {
    const buffer = h.memory.alloc(Math.max(1, f.length));
    h.memory.write(buffer, f, 0, f.length);
    h.postTx(ring, first + i, buffer, f.length);
  });
}

/** A frame's bytes as hex, for quick whole-list comparisons. */
function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

function padded(f: Uint8Array): Uint8Array {
  if (f.length >= MIN_TX_FRAME) return f;
  const out = new Uint8Array(MIN_TX_FRAME);
  out.set(f);
  return out;
}

const rxLength = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 60, max: 1514 }) },
  { weight: 1, arbitrary: fc.constantFrom(60, 61, 1514) },
  { weight: 1, arbitrary: fc.integer({ min: 14, max: 9014 }) },
);
const txLength = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 60, max: 1514 }) },
  { weight: 1, arbitrary: fc.integer({ min: 14, max: 59 }) },
  { weight: 1, arbitrary: fc.constantFrom(60, 1514) },
);

/** Bursts: an offset in ticks from the previous burst (0: same instant) and frame lengths. */
const rxBursts = fc.array(
  fc.record({
    gap: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: 2_000 }),
      fc.integer({ min: 0, max: 20_000_000 }),
    ),
    lengths: fc.array(rxLength, { minLength: 1, maxLength: 30 }),
  }),
  { minLength: 1, maxLength: 8 },
);
const txPosts = fc.array(
  fc.record({
    gap: fc.oneof(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 0, max: 20_000_000 })),
    lengths: fc.array(txLength, { minLength: 1, maxLength: 20 }),
  }),
  { maxLength: 6 },
);

describe.each(SPEEDS_MBPS)("wire at %i Mb/s", (mbps) => {
  it("never exceeds line rate in either direction (random bursts, random TX posts)", () => {
    fc.assert(
      fc.property(
        rxBursts,
        txPosts,
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 5_000_000 }),
        (bursts, posts, txQueue, firstAt) => {
          const h = new NicHarness({ queues: 4, vectors: 4, linkSpeedMbps: mbps });
          const taps = tapWire(h);
          const sched = h.scheduler;

          // The peer's bursts, injected by scheduled events; remember when each frame was given.
          const injected: { at: number; bytes: Uint8Array }[] = [];
          let t = firstAt;
          let seq = 0;
          for (const burst of bursts) {
            t += burst.gap;
            const frames = burst.lengths.map((len) => frame(len, seq++));
            sched.at(t, "test.inject", (now) => {
              for (const f of frames) {
                expect(h.nic.wire.inject(f, 0, f.length)).toBe(true);
                injected.push({ at: now, bytes: f });
              }
            });
          }
          let lastEvent = t;

          // The driver's TX posts: descriptors written and TDT advanced at scheduled ticks.
          const ring = h.setupRing("tx", txQueue, 256);
          const posted: { at: number; bytes: Uint8Array }[] = [];
          let tail = 0;
          t = firstAt;
          for (const post of posts) {
            t += post.gap;
            const frames = post.lengths.map((len) => frame(len, 10_000 + seq++));
            const first = tail;
            tail += frames.length;
            const newTail = tail;
            sched.at(t, "test.post", (now) => {
              postTxFrames(h, ring, first, frames);
              h.write("TDT", newTail, txQueue);
              for (const f of frames) posted.push({ at: now, bytes: f });
            });
          }
          lastEvent = Math.max(lastEvent, t);

          const allBytes =
            bursts.reduce((n, b) => n + b.lengths.reduce((m, l) => m + l + 100, 0), 0) +
            posts.reduce((n, p) => n + p.lengths.reduce((m, l) => m + l + 100, 0), 0);
          h.run(lastEvent + 2 * allBytes * 8 * psPerBit(mbps) + 1_000_000_000);

          const rx = taps.filter((r) => r.dir === "rx");
          const tx = taps.filter((r) => r.dir === "tx");

          // Receive direction: everything the peer sent arrives, in order, and the exact
          // arrival of each frame follows from a line that sends whenever it has a frame.
          expect(rx.map((r) => hex(r.bytes))).toEqual(injected.map((f) => hex(f.bytes)));
          let lineFree = 0;
          const expectedRxTicks = injected.map((f) => {
            const start = Math.max(f.at, lineFree);
            lineFree = start + wireTime(f.bytes.length, mbps);
            return start + startToFcsEnd(f.bytes.length, mbps);
          });
          expect(rx.map((r) => r.at)).toEqual(expectedRxTicks);
          expectNeverAboveLineRate(rx, mbps);

          // Transmit direction: every posted frame goes out once, padded to 60 bytes, in ring
          // order, never before it was posted, and never faster than line rate.
          expect(tx.map((r) => hex(r.bytes))).toEqual(posted.map((f) => hex(padded(f.bytes))));
          const early = tx.filter(
            (r, i) => r.at - startToFcsEnd(r.bytes.length, mbps) <= posted[i]!.at,
          );
          expect(early).toEqual([]);
          expectNeverAboveLineRate(tx, mbps);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("runs a back-to-back burst of minimum-size frames exactly at line rate", () => {
    const h = new NicHarness({ queues: 2, vectors: 2, linkSpeedMbps: mbps });
    const taps = tapWire(h);
    const n = 2_000;
    const start = 1_234_567;
    h.scheduler.at(start, "test.inject", () => {
      for (let i = 0; i < n; i++) h.nic.wire.inject(frame(60, i), 0, 60);
    });
    h.run(start + (n + 2) * MIN_FRAME_SPACING_PS[mbps]);
    expect(taps.length).toBe(n);
    // The first frame ends 72 bytes (preamble, 60 bytes, FCS) after it starts.
    expect(taps[0]!.at).toBe(start + 72 * 8 * psPerBit(mbps));
    const spacings = new Set(taps.slice(1).map((r, i) => r.at - taps[i]!.at));
    expect([...spacings]).toEqual([MIN_FRAME_SPACING_PS[mbps]]);
    const framesPerSecond = ((n - 1) * 1e12) / (taps[n - 1]!.at - taps[0]!.at);
    expect(framesPerSecond / 1e6).toBeCloseTo(MIN_FRAME_MFPS[mbps], 5);
  });
});

describe("transmit at line rate", () => {
  // At 1 and 10 Gb/s, PCIe (4 GB/s) reads a full-size frame several times faster than the
  // wire sends it, so once the first frame has been fetched the packet buffer never runs
  // dry and frames leave back to back.
  it.each([1_000, 10_000] as const)(
    "sends posted full-size frames back to back at %i Mb/s",
    (mbps) => {
      const h = new NicHarness({ queues: 2, vectors: 2, linkSpeedMbps: mbps });
      const taps = tapWire(h);
      const ring = h.setupRing("tx", 1, 128);
      const frames = Array.from({ length: 80 }, (_, i) => frame(1514, i));
      postTxFrames(h, ring, 0, frames);
      h.write("TDT", frames.length, 1);
      h.run(frames.length * wireTime(1514, mbps) + 100_000_000);
      expect(taps.map((r) => hex(r.bytes))).toEqual(frames.map(hex));
      const spacings = new Set(taps.slice(1).map((r, i) => r.at - taps[i]!.at));
      expect([...spacings]).toEqual([wireTime(1514, mbps)]);
      // 1538 bytes per frame on the wire: 812.7 kframes/s at 1 Gb/s, 8.127 Mframes/s at 10.
      const fps = ((taps.length - 1) * 1e12) / (taps.at(-1)!.at - taps[0]!.at);
      expect(fps).toBeCloseTo((mbps * 1e6) / (1538 * 8), 3);
    },
  );

  it("pads short frames to 60 bytes and spaces them by the padded size", () => {
    const h = new NicHarness({ queues: 1, vectors: 1, linkSpeedMbps: 1_000 });
    const taps = tapWire(h);
    const ring = h.setupRing("tx", 0, 64);
    const frames = [14, 20, 59, 60, 42].map((len, i) => frame(len, i));
    postTxFrames(h, ring, 0, frames);
    h.write("TDT", frames.length, 0);
    h.run(100_000_000);
    expect(taps.map((r) => hex(r.bytes))).toEqual(frames.map((f) => hex(padded(f))));
    for (let i = 1; i < taps.length; i++) {
      expect(taps[i]!.at - taps[i - 1]!.at).toBe(MIN_FRAME_SPACING_PS[1_000]);
    }
  });
});
