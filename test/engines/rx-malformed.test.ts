import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildFrame, type FrameSpec, frameSpecArb } from "../parse/frame-builder.js";
import {
  MRQC,
  macRegisters,
  REG,
  type RxCompletion,
  RxDriver,
  runs,
  WB,
  writeReta,
  writeRssKey,
} from "./rx-driver.js";

/**
 * Malformed frames through the wire: random bytes, valid frames with corrupted bytes, and
 * every truncation of valid frames, with the receive engines (VMQ filters, RSS, checksum
 * validation) all on. Nothing may throw, and every frame must be accounted for
 * (docs/registers.md, "MAC, wire and device-wide statistics"): delivered to a ring
 * (GPRC, and its queue's QPRC) or counted in exactly one of RUC, ROC, CRCERRS, MPC,
 * QPRDC and RXDMADC. The Ethernet verdicts are fixed by the frame alone and are checked
 * exactly: under 64 bytes with FCS a runt (RUC), over MAXFRS.MFS oversize (ROC), else a
 * bad FCS (CRCERRS). Delivered frames come out unchanged, each queue in arrival order.
 */

const QUEUES = 4;
const FCS = 4;
/** Not mapped in host memory (allocations start at 4 GiB): a DMA there faults. */
const UNMAPPED = 0x1000;
/** Filter 0 steers this destination to queue 1 (the poisoned one), filter 1 to queue 2. */
const FILTER_MACS = [
  [0x02, 0x5a, 0x5a, 0, 0, 1],
  [0x02, 0x5a, 0x5a, 0, 0, 2],
] as const;

interface Sent {
  readonly bytes: Uint8Array;
  readonly badFcs: boolean;
  /**
   * Cut inside its IP datagram, so its IP length claims bytes the frame lacks: the parser
   * cannot follow it, so it must not be hashed (RSS type 0, hash 0) nor L4-checked.
   */
  readonly cutInsideIp?: boolean;
}

interface Setup {
  readonly mfs: number;
  readonly rss: boolean;
  readonly vmq: boolean;
  readonly key: readonly number[];
  readonly reta: readonly number[];
  /**
   * Queue 2 (the default queue): no descriptors until the end. Its frames wait at the
   * head of the packet buffer and hold up the rest (MPC when it fills), or with DROP_EN
   * are dropped (QPRDC).
   */
  readonly starve: boolean;
  readonly dropEnable: boolean;
  /** Queue 1: this many good descriptors, then one whose buffer is unmapped. */
  readonly poison: number | null;
  /** Queue 3 disabled. */
  readonly disable: boolean;
  readonly smallBuffer: boolean;
}

const NO_TRICKS: Setup = {
  mfs: 1518,
  rss: true,
  vmq: true,
  key: Array.from({ length: 40 }, (_, i) => (i * 37 + 11) & 0xff),
  reta: Array.from({ length: 128 }, (_, i) => i % QUEUES),
  starve: false,
  dropEnable: false,
  poison: null,
  disable: false,
  smallBuffer: false,
};

/** A NIC with every receive engine on, and the queue tricks the setup asks for. */
function makeDriver(s: Setup): RxDriver {
  const d = new RxDriver({
    queues: QUEUES,
    ringSize: 16,
    // 1 KiB buffers: longer frames take several descriptors.
    bufferKiB: 1,
    starved: [...(s.starve ? [2] : []), ...(s.poison !== null ? [1] : [])],
    params: s.smallBuffer ? { rxPacketBufferBytes: 16 * 1024 } : {},
  });
  const h = d.h;
  h.write("MAXFRS", s.mfs << REG.MAXFRS_MFS_SHIFT);
  writeRssKey(h, s.key);
  writeReta(h, s.reta);
  const all = Object.values(MRQC).reduce((a, b) => a | b, 0);
  h.write("MRQC", (all | (s.rss ? REG.MRQC_MRQE_RSS : 0)) >>> 0);
  for (const [n, mac] of FILTER_MACS.entries()) {
    const { ral, rahAddr } = macRegisters(mac);
    h.write("RAL", ral, n);
    h.write("RAH", (rahAddr | REG.RAH_AV) >>> 0, n);
    h.write("VMQF", n + 1, n);
  }
  h.write("VMQCTL", (s.vmq ? REG.VMQCTL_VMQ_EN : 0) | (2 << REG.VMQCTL_DEFAULT_QUEUE_SHIFT));
  if (s.dropEnable) d.setDropEnable(2, true);
  if (s.poison !== null) {
    for (let i = 0; i < s.poison; i++) d.repost(1);
    d.postPoison(1, UNMAPPED);
  }
  if (s.disable) h.write("RXDCTL", 0, 3);
  return d;
}

/** Reads a 64-bit counter pair, low half first. */
function read64(d: RxDriver, low: string, high: string): number {
  const lo = d.h.read(low);
  return d.h.read(high) * 2 ** 32 + lo;
}

/**
 * Sends `frames` in bursts of `burst`, harvesting between bursts, then drains and checks
 * the accounting and the delivered frames.
 */
function sendAndAccount(
  s: Setup,
  frames: readonly Sent[],
  burst: number,
): Record<"MPC" | "QPRDC" | "RXDMADC" | "GPRC", number> {
  const d = makeDriver(s);
  const h = d.h;
  const got: RxCompletion[] = [];
  for (let i = 0; i < frames.length; i += burst) {
    for (const f of frames.slice(i, i + burst)) {
      expect(d.inject(f.bytes, f.badFcs)).toBe(true);
    }
    // Up to 2000 bytes a frame at 10 Gb/s (100 ticks a bit): about the burst's wire time.
    h.run(burst * 2000 * 8 * 100);
    got.push(...d.harvest());
  }
  if (s.starve) d.thaw(2);
  // A frame needing more descriptors than queue 1 has before its poison would wait for
  // ever: give the queue good descriptors after the poison too.
  if (s.poison !== null) d.thaw(1);
  got.push(...d.drain());

  let runts = 0;
  let oversize = 0;
  let crc = 0;
  for (const f of frames) {
    const wire = f.bytes.length + FCS;
    if (wire < 64) runts++;
    else if (wire > s.mfs) oversize++;
    else if (f.badFcs) crc++;
  }
  const counters = {
    RUC: h.read("RUC"),
    ROC: h.read("ROC"),
    CRCERRS: h.read("CRCERRS"),
    MPC: h.read("MPC"),
    RXDMADC: h.read("RXDMADC"),
    GPRC: h.read("GPRC"),
  };
  let qprdc = 0;
  let qprc = 0;
  for (let q = 0; q < QUEUES; q++) {
    qprdc += h.read("QPRDC", q);
    qprc += h.read("QPRC", q);
  }
  expect({ RUC: counters.RUC, ROC: counters.ROC, CRCERRS: counters.CRCERRS }).toEqual({
    RUC: runts,
    ROC: oversize,
    CRCERRS: crc,
  });
  expect(counters.GPRC).toBe(got.length);
  expect(qprc).toBe(got.length);
  expect(
    counters.GPRC +
      counters.RUC +
      counters.ROC +
      counters.CRCERRS +
      counters.MPC +
      qprdc +
      counters.RXDMADC,
  ).toBe(frames.length);
  if (s.poison === null) expect(counters.RXDMADC).toBe(0);
  if (!s.smallBuffer) expect(counters.MPC).toBe(0);
  expect(read64(d, "GORCL", "GORCH")).toBe(got.reduce((n, c) => n + c.data.length, 0));

  // Each queue's frames are, in order, some of the frames sent, unchanged.
  const accepted = frames.filter((f) => {
    const wire = f.bytes.length + FCS;
    return wire >= 64 && wire <= s.mfs && !f.badFcs;
  });
  for (let q = 0; q < QUEUES; q++) {
    let at = 0;
    for (const c of got.filter((g) => g.queue === q)) {
      while (at < accepted.length && !sameBytes(accepted[at]!.bytes, c.data)) at++;
      expect(
        at,
        `queue ${q}: a delivered frame of ${c.data.length} bytes was not sent`,
      ).toBeLessThan(accepted.length);
      expect(c.word2 & (WB.DD | WB.EOP)).toBe(WB.DD | WB.EOP);
      if (accepted[at]!.cutInsideIp === true) {
        const label = `queue ${q}: a frame cut at ${c.data.length} bytes, inside its IP datagram`;
        expect({ rssType: c.word0 & WB.RSS_TYPE_MASK, hash: c.word1 }, label).toEqual({
          rssType: 0,
          hash: 0,
        });
        expect(c.word2 & (WB.L4CS | WB.UDPCS | WB.L4E), label).toBe(0);
      }
      at++;
    }
  }
  return { MPC: counters.MPC, QPRDC: qprdc, RXDMADC: counters.RXDMADC, GPRC: counters.GPRC };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---- arbitraries ----

const byte = fc.integer({ min: 0, max: 255 });

/** A valid frame's bytes (checksums are whatever the builder left: validation copes). */
const validBytes = frameSpecArb().map((spec: FrameSpec) => buildFrame(spec).bytes);

const frameBytesArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  // Pure noise, short and long.
  fc.uint8Array({ maxLength: 120, size: "max" }),
  fc.uint8Array({ minLength: 60, maxLength: 2000, size: "max" }),
  // Noise behind a filtered destination, so it is steered too.
  fc
    .tuple(
      fc.constantFrom(...FILTER_MACS),
      fc.uint8Array({ minLength: 54, maxLength: 1500, size: "max" }),
    )
    .map(([mac, b]) => Uint8Array.from([...mac, ...b])),
  // A valid frame cut short.
  fc.tuple(validBytes, fc.nat()).map(([b, n]) => b.slice(0, n % (b.length + 1))),
  // A valid frame with some bytes changed (lengths, versions, header lengths, protocols).
  fc
    .tuple(validBytes, fc.array(fc.tuple(fc.nat(), byte), { minLength: 1, maxLength: 4 }))
    .map(([b, edits]) => {
      const out = b.slice();
      for (const [at, v] of edits) out[12 + (at % Math.max(1, out.length - 12))] = v;
      return out;
    }),
  // A valid frame with junk after it.
  fc
    .tuple(validBytes, fc.uint8Array({ maxLength: 64 }))
    .map(([b, j]) => Uint8Array.from([...b, ...j])),
);

const sentArb: fc.Arbitrary<Sent> = fc.record({
  bytes: frameBytesArb,
  badFcs: fc.oneof(
    { weight: 9, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) },
  ),
});

const setupArb: fc.Arbitrary<Setup> = fc.record({
  mfs: fc.oneof(
    fc.constant(1518),
    fc.integer({ min: 64, max: 1518 }),
    fc.integer({ min: 1518, max: 9018 }),
  ),
  rss: fc.boolean(),
  vmq: fc.boolean(),
  key: fc.array(byte, { minLength: 40, maxLength: 40 }),
  reta: fc.array(
    fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: 0, max: QUEUES - 1 }) },
      { weight: 1, arbitrary: fc.integer({ min: QUEUES, max: 127 }) },
    ),
    { minLength: 128, maxLength: 128 },
  ),
  starve: fc.boolean(),
  dropEnable: fc.boolean(),
  poison: fc.option(fc.integer({ min: 0, max: 3 })),
  disable: fc.boolean(),
  smallBuffer: fc.boolean(),
});

describe("malformed frames through the wire", () => {
  it("random and damaged frames never throw and are all accounted for", () => {
    fc.assert(
      fc.property(
        setupArb,
        fc.array(sentArb, { minLength: 1, maxLength: 80, size: "max" }),
        fc.integer({ min: 1, max: 30 }),
        (setup, frames, burst) => {
          sendAndAccount(setup, frames, burst);
        },
      ),
      { numRuns: runs(40) },
    );
  });

  it("every truncation of valid frames is accounted for", () => {
    // A fixed sample of valid frames of every kind the builder makes.
    const specs = fc.sample(frameSpecArb(), { numRuns: 24, seed: 20240611 });
    const frames: Sent[] = [];
    for (const spec of specs) {
      const built = buildFrame(spec);
      const bytes = built.bytes;
      for (let n = 0; n <= bytes.length; n++) {
        const cutInsideIp = built.ipEnd >= 0 && n < built.ipEnd;
        frames.push({ bytes: bytes.slice(0, n), badFcs: false, cutInsideIp });
      }
    }
    expect(frames.length).toBeGreaterThan(24 * 60);
    sendAndAccount(NO_TRICKS, frames, 16);
    sendAndAccount({ ...NO_TRICKS, rss: false, vmq: false }, frames, 16);
  });

  const plain = (n: number, length: number): Sent[] =>
    Array.from({ length: n }, (_, i) => ({
      bytes: Uint8Array.from({ length }, (_, j) => (i * 31 + j) & 0xff).map((b, j) =>
        j === 0 ? b & 0xfe : b,
      ),
      badFcs: false,
    }));

  it("a starved queue holds up the packet buffer until it overflows: MPC", () => {
    const setup: Setup = { ...NO_TRICKS, rss: false, vmq: false, starve: true, smallBuffer: true };
    const c = sendAndAccount(setup, plain(40, 1000), 40);
    expect(c.MPC).toBeGreaterThan(0);
    expect(c.GPRC).toBeGreaterThan(0);
  });

  it("a starved queue with DROP_EN drops its frames: QPRDC", () => {
    const setup: Setup = { ...NO_TRICKS, rss: false, vmq: false, starve: true, dropEnable: true };
    const c = sendAndAccount(setup, plain(10, 200), 1);
    expect(c).toEqual({ MPC: 0, QPRDC: 10, RXDMADC: 0, GPRC: 0 });
  });

  it("a descriptor with an unmapped buffer drops its frame (RXDMADC), then the queue's", () => {
    // Every frame to filter 0's address goes to queue 1, whose first descriptor is poison.
    const frames = plain(5, 300).map((f) => ({
      ...f,
      bytes: Uint8Array.from([...FILTER_MACS[0], ...f.bytes.subarray(6)]),
    }));
    const c = sendAndAccount({ ...NO_TRICKS, poison: 0 }, frames, 1);
    expect(c).toEqual({ MPC: 0, QPRDC: 4, RXDMADC: 1, GPRC: 0 });
  });

  it("a zero-length frame and a frame at the MFS limit are counted, not thrown over", () => {
    const frames: Sent[] = [
      { bytes: new Uint8Array(0), badFcs: false },
      { bytes: new Uint8Array(59), badFcs: false },
      { bytes: new Uint8Array(60), badFcs: false },
      { bytes: new Uint8Array(1514), badFcs: false },
      { bytes: new Uint8Array(1515), badFcs: false },
      { bytes: new Uint8Array(60), badFcs: true },
    ];
    sendAndAccount(NO_TRICKS, frames, 6);
  });
});
