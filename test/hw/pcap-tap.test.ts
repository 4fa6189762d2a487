import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PcapWriter } from "../../src/hw/taps/pcap-writer.js";
import { type PcapRecord, parsePcap } from "../taps/pcap-reader.js";
import { NicHarness } from "./nic-harness.js";

// A capture of the NIC's wire, both directions, through a PcapWriter on `nic.wire.tap`,
// read back with the tests' own pcap reader (test/taps/pcap-reader.ts).

function records(file: Uint8Array): PcapRecord[] {
  const parsed = parsePcap(file);
  expect(parsed.snaplen).toBe(65_535);
  return parsed.records;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** A tick (1 ps) as a pcap timestamp: whole seconds and the nanoseconds after them, rounded down. */
function pcapTime(ticks: number): [number, number] {
  const ps = BigInt(ticks);
  return [Number(ps / 1_000_000_000_000n), Number((ps % 1_000_000_000_000n) / 1_000n)];
}

/** Frames shorter than Ethernet's minimum (60 bytes without FCS) go out padded with zeros. */
function padded(f: Uint8Array): Uint8Array {
  if (f.length >= 60) return f;
  const out = new Uint8Array(60);
  out.set(f);
  return out;
}

interface Traffic {
  speed: number;
  /** Where the run starts, in ticks: near a second boundary, to split sec/nsec. */
  startTicks: number;
  rx: { gap: number; len: number }[];
  tx: { gap: number; lens: number[] }[];
}

interface Captured {
  records: PcapRecord[];
  taps: { dir: "rx" | "tx"; at: number; bytes: string }[];
  injected: string[];
  posted: string[];
}

function capture(t: Traffic): Captured {
  const h = new NicHarness({ queues: 2, vectors: 2, linkSpeedMbps: t.speed });
  const pcap = new PcapWriter({ initialCapacity: 256 });
  const taps: Captured["taps"] = [];
  h.nic.wire.tap((dir, frame, length, at) => {
    pcap.record(at, frame, 0, length);
    taps.push({ dir, at, bytes: hex(frame.subarray(0, length)) });
  });
  const s = h.scheduler;
  // Jump to the start, then bring up an RX ring (so received frames are taken) and a TX ring.
  s.runUntil(t.startTicks);
  const rxRing = h.setupRing("rx", 0, 256);
  for (let i = 0; i < 255; i++) h.postRx(rxRing, i, h.memory.alloc(2048));
  h.write("RDT", 255, 0);
  const txRing = h.setupRing("tx", 1, 256);

  const injected: string[] = [];
  const posted: string[] = [];
  let at = t.startTicks;
  let seq = 0;
  for (const { gap, len } of t.rx) {
    at += gap;
    const f = NicHarness.frame(len, seq++);
    s.at(at, "test.inject", () => {
      h.nic.wire.inject(f, 0, f.length);
      injected.push(hex(f));
    });
  }
  let last = at;
  at = t.startTicks;
  let tail = 0;
  for (const { gap, lens } of t.tx) {
    at += gap;
    const frames = lens.map((len) => NicHarness.frame(len, 1000 + seq++));
    const first = tail;
    tail += frames.length;
    const newTail = tail;
    s.at(at, "test.post", () => {
      frames.forEach((f, i) => {
        const buffer = h.memory.alloc(f.length);
        h.memory.write(buffer, f, 0, f.length);
        h.postTx(txRing, first + i, buffer, f.length);
        posted.push(hex(padded(f)));
      });
      h.write("TDT", newTail, 1);
    });
  }
  last = Math.max(last, at);
  s.runUntil(last + 2_000_000_000); // 2 ms: far more than the traffic needs to drain
  expect(pcap.recordCount).toBe(taps.length);
  expect(pcap.outOfOrderCount).toBe(0);

  // The file as written to disk, read back.
  const dir = mkdtempSync(join(tmpdir(), "nicsim-pcap-"));
  try {
    const path = join(dir, "wire.pcap");
    pcap.writeFile(path);
    const file = new Uint8Array(readFileSync(path));
    expect(hex(file)).toBe(hex(pcap.bytes()));
    return { records: records(file), taps, injected, posted };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const trafficArb: fc.Arbitrary<Traffic> = fc.record({
  speed: fc.constantFrom(1_000, 10_000, 25_000, 40_000, 100_000),
  startTicks: fc
    .oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: 3 }).map((s) => s * 1_000_000_000_000 - 20_000_000),
      fc.integer({ min: 0, max: 5_000_000_000 }),
    )
    .map((t) => Math.max(0, t)),
  rx: fc.array(
    fc.record({
      gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3_000_000 })),
      len: fc.integer({ min: 60, max: 1514 }),
    }),
    { maxLength: 40 },
  ),
  tx: fc.array(
    fc.record({
      gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5_000_000 })),
      lens: fc.array(fc.integer({ min: 18, max: 1514 }), { minLength: 1, maxLength: 8 }),
    }),
    { maxLength: 8 },
  ),
});

describe("pcap capture of the wire", () => {
  it("holds every frame of both directions, in time order, with the tap's bytes and times", () => {
    fc.assert(
      fc.property(trafficArb, (t) => {
        const c = capture(t);
        // One record per frame on the wire, both ways; every frame the peer sent and every
        // frame the driver posted crossed the wire.
        const txCount = t.tx.reduce((n, p) => n + p.lens.length, 0);
        expect(c.records.length).toBe(t.rx.length + txCount);
        expect(c.taps.length).toBe(c.records.length);
        expect(c.taps.filter((x) => x.dir === "rx").map((x) => x.bytes)).toEqual(c.injected);
        expect(c.taps.filter((x) => x.dir === "tx").map((x) => x.bytes)).toEqual(c.posted);
        // Records are in non-decreasing time order.
        const times = c.records.map((r) => r.sec * 1e9 + r.nsec);
        expect(times.every((x, i) => i === 0 || x >= times[i - 1]!)).toBe(true);
        // Record i is tap call i: same bytes (whole frame, no FCS), time in ns rounded down.
        expect(c.records.map((r) => hex(r.data))).toEqual(c.taps.map((x) => x.bytes));
        expect(c.records.map((r) => r.origLen)).toEqual(c.taps.map((x) => x.bytes.length / 2));
        expect(c.records.map((r) => [r.sec, r.nsec])).toEqual(c.taps.map((x) => pcapTime(x.at)));
      }),
      { numRuns: 150 },
    );
  });

  it("timestamps back-to-back minimum-size frames 67.2 ns apart at 10 Gb/s, across a second boundary", () => {
    const start = 1_000_000_000_000 - 500_000; // 0.5 us before 1 s
    const c = capture({
      speed: 10_000,
      startTicks: start,
      rx: Array.from({ length: 20 }, () => ({ gap: 0, len: 60 })),
      tx: [],
    });
    expect(c.records.length).toBe(20);
    // The first frame's FCS ends 72 bytes (57.6 ns) after the line starts it; then one every 67.2 ns.
    const expected = Array.from({ length: 20 }, (_, i) => pcapTime(start + 57_600 + i * 67_200));
    expect(c.records.map((r) => [r.sec, r.nsec])).toEqual(expected);
    expect(c.records.some((r) => r.sec === 0)).toBe(true);
    expect(c.records.some((r) => r.sec === 1)).toBe(true);
  });
});
