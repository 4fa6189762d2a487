import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PcapWriter } from "../../src/hw/taps/pcap-writer.js";
import { parsePcap } from "./pcap-reader.js";

/** The expected pcap timestamp of a tick (1 tick = 1 ps), computed exactly with BigInt. */
function expectedTime(atTicks: number): { sec: number; nsec: number } {
  const ps = BigInt(atTicks);
  return { sec: Number(ps / 1_000_000_000_000n), nsec: Number((ps % 1_000_000_000_000n) / 1000n) };
}

function hex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, "");
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const MAX_TICK = 1_000_000_000_000_000; // 1e15 ps = 1000 simulated seconds

/** Tick times, biased toward second boundaries where sec/nsec splitting could go wrong. */
const tickArb = fc.oneof(
  fc.integer({ min: 0, max: MAX_TICK }),
  fc
    .tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: -2000, max: 2000 }))
    .map(([s, d]) => Math.min(MAX_TICK, Math.max(0, s * 1_000_000_000_000 + d))),
);

/** A frame sitting inside a larger buffer, with some bytes before and after it. */
const frameArb = fc.record({
  at: tickArb,
  before: fc.uint8Array({ maxLength: 8 }),
  body: fc.uint8Array({ minLength: 0, maxLength: 2000 }),
  after: fc.uint8Array({ maxLength: 8 }),
});

type Frame = { at: number; before: Uint8Array; body: Uint8Array; after: Uint8Array };

/** Random frames, given non-decreasing times by sorting the drawn ticks. */
const framesArb = fc.array(frameArb, { maxLength: 30 }).map((frames) => {
  const times = frames.map((f) => f.at).sort((a, b) => a - b);
  return frames.map((f, i): Frame => ({ ...f, at: times[i]! }));
});

function surround(frame: Frame): Uint8Array {
  const buf = new Uint8Array(frame.before.length + frame.body.length + frame.after.length);
  buf.set(frame.before, 0);
  buf.set(frame.body, frame.before.length);
  buf.set(frame.after, frame.before.length + frame.body.length);
  return buf;
}

describe("PcapWriter", () => {
  it("writes only the global header when nothing is recorded", () => {
    const writer = new PcapWriter();
    const parsed = parsePcap(writer.bytes());
    expect(parsed.snaplen).toBe(65535);
    expect(parsed.records).toEqual([]);
    expect(writer.recordCount).toBe(0);
    expect(writer.bytes().length).toBe(24);
  });

  it("writes the expected bytes for one tiny record", () => {
    const writer = new PcapWriter();
    // 1 s + 500_000_123 ns + 456 ps: the picoseconds are dropped.
    writer.record(1_500_000_123_456, new Uint8Array([0xde, 0xad, 0xbe, 0xef]), 0, 4);
    const expected = hex(`
      4d3cb2a1 0200 0400 00000000 00000000 ffff0000 01000000
      01000000 7b65cd1d 04000000 04000000
      deadbeef
    `);
    expect(Array.from(writer.bytes())).toEqual(Array.from(expected));
    expect(writer.recordCount).toBe(1);
  });

  it("writes the expected bytes for a truncated record taken from a slice", () => {
    const writer = new PcapWriter({ snaplen: 2 });
    const buf = new Uint8Array([0x11, 0x22, 0x33, 0x44, 0x55, 0x66]);
    writer.record(999, buf, 1, 4, 60); // 999 ps: ts 0 s 0 ns
    const expected = hex(`
      4d3cb2a1 0200 0400 00000000 00000000 02000000 01000000
      00000000 00000000 02000000 3c000000
      2233
    `);
    expect(Array.from(writer.bytes())).toEqual(Array.from(expected));
  });

  it("records random frames exactly (times, lengths, bytes)", () => {
    fc.assert(
      fc.property(framesArb, fc.integer({ min: 0, max: 4096 }), (frames, initialCapacity) => {
        const writer = new PcapWriter({ initialCapacity });
        for (const f of frames) writer.record(f.at, surround(f), f.before.length, f.body.length);
        expect(writer.recordCount).toBe(frames.length);
        expect(writer.outOfOrderCount).toBe(0);
        const parsed = parsePcap(writer.bytes());
        expect(parsed.snaplen).toBe(65535);
        expect(parsed.records.length).toBe(frames.length);
        parsed.records.forEach((rec, i) => {
          const f = frames[i]!;
          const { sec, nsec } = expectedTime(f.at);
          expect(rec.sec).toBe(sec);
          expect(rec.nsec).toBe(nsec);
          expect(rec.inclLen).toBe(f.body.length);
          expect(rec.origLen).toBe(f.body.length);
          expect(Buffer.from(rec.data).equals(Buffer.from(f.body))).toBe(true);
        });
      }),
      { numRuns: 200 },
    );
  });

  it("truncates to snaplen and keeps the original length", () => {
    fc.assert(
      fc.property(
        framesArb,
        fc.integer({ min: 1, max: 2100 }),
        fc.array(fc.nat({ max: 100 }), { minLength: 30, maxLength: 30 }),
        (frames, snaplen, extra) => {
          const writer = new PcapWriter({ snaplen, initialCapacity: 0 });
          frames.forEach((f, i) => {
            // Some records claim a longer original than the bytes given (already cut short).
            const original = f.body.length + (i % 2 === 0 ? 0 : extra[i]!);
            writer.record(f.at, surround(f), f.before.length, f.body.length, original);
          });
          const parsed = parsePcap(writer.bytes());
          expect(parsed.snaplen).toBe(snaplen);
          expect(parsed.records.length).toBe(frames.length);
          parsed.records.forEach((rec, i) => {
            const f = frames[i]!;
            const kept = Math.min(f.body.length, snaplen);
            expect(rec.inclLen).toBe(kept);
            expect(rec.origLen).toBe(f.body.length + (i % 2 === 0 ? 0 : extra[i]!));
            expect(Buffer.from(rec.data).equals(Buffer.from(f.body.subarray(0, kept)))).toBe(true);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("copies the frame: reusing the caller's buffer afterwards changes nothing recorded", () => {
    fc.assert(
      fc.property(framesArb, fc.integer({ min: 0, max: 255 }), (frames, garbage) => {
        const writer = new PcapWriter({ initialCapacity: 64 });
        const scratch = new Uint8Array(2016); // one buffer reused for every frame, as a port does
        for (const f of frames) {
          scratch.set(f.body, 8);
          writer.record(f.at, scratch, 8, f.body.length);
          scratch.fill(garbage);
        }
        // Rewriting the buffer wholesale (and whole-buffer records) must not reach back either.
        scratch.fill(garbage ^ 0xff);
        const parsed = parsePcap(writer.bytes());
        expect(parsed.records.map((r) => Array.from(r.data))).toEqual(
          frames.map((f) => Array.from(f.body)),
        );
      }),
      { numRuns: 100 },
    );
  });

  it("copies a whole-array frame too", () => {
    const writer = new PcapWriter();
    const frame = new Uint8Array([1, 2, 3, 4, 5]);
    writer.record(0, frame, 0, frame.length);
    frame.fill(9);
    expect(Array.from(parsePcap(writer.bytes()).records[0]!.data)).toEqual([1, 2, 3, 4, 5]);
  });

  it("returns snapshots from bytes() that later records leave alone, each a prefix of the next", () => {
    fc.assert(
      fc.property(framesArb, (frames) => {
        const writer = new PcapWriter({ initialCapacity: 32 });
        const snapshots: Uint8Array[] = [writer.bytes()];
        for (const f of frames) {
          writer.record(f.at, surround(f), f.before.length, f.body.length);
          snapshots.push(writer.bytes());
        }
        const final = snapshots[snapshots.length - 1]!;
        expect(final.length).toBe(writer.byteLength);
        snapshots.forEach((snap, i) => {
          expect(Buffer.from(final.subarray(0, snap.length)).equals(Buffer.from(snap))).toBe(true);
          expect(parsePcap(snap).records.length).toBe(i);
        });
      }),
      { numRuns: 100 },
    );
  });

  it("returns a copy from bytes(): changing it does not change the capture", () => {
    const writer = new PcapWriter();
    writer.record(5_000, new Uint8Array([7, 7, 7]), 0, 3);
    const first = writer.bytes();
    first.fill(0);
    const parsed = parsePcap(writer.bytes());
    expect(parsed.records.map((r) => Array.from(r.data))).toEqual([[7, 7, 7]]);
    expect(parsed.records[0]!.nsec).toBe(5);
  });

  it("accepts out-of-order timestamps without throwing, and counts them", () => {
    const writer = new PcapWriter();
    const frame = new Uint8Array(60);
    writer.record(2_000_000, frame, 0, 60);
    writer.record(1_000_000, frame, 0, 60);
    writer.record(1_000_000, frame, 0, 60);
    writer.record(3_000_000, frame, 0, 60);
    expect(writer.recordCount).toBe(4);
    expect(writer.outOfOrderCount).toBe(1);
    expect(parsePcap(writer.bytes()).records.map((r) => r.nsec)).toEqual([2000, 1000, 1000, 3000]);
  });

  it("rejects invalid times, slices, original lengths and snaplens", () => {
    const writer = new PcapWriter();
    const frame = new Uint8Array(10);
    expect(() => writer.record(-1, frame, 0, 1)).toThrow(RangeError);
    expect(() => writer.record(1.5, frame, 0, 1)).toThrow(RangeError);
    expect(() => writer.record(Number.MAX_SAFE_INTEGER + 1, frame, 0, 1)).toThrow(RangeError);
    expect(() => writer.record(0, frame, -1, 1)).toThrow(RangeError);
    expect(() => writer.record(0, frame, 5, 6)).toThrow(RangeError);
    expect(() => writer.record(0, frame, 0, -1)).toThrow(RangeError);
    expect(() => writer.record(0, frame, 0, 4, 3)).toThrow(RangeError);
    expect(() => writer.record(0, frame, 0, 4, 2 ** 32)).toThrow(RangeError);
    expect(writer.recordCount).toBe(0);
    expect(writer.bytes().length).toBe(24);
    expect(() => new PcapWriter({ snaplen: 0 })).toThrow(RangeError);
    expect(() => new PcapWriter({ snaplen: 1.5 })).toThrow(RangeError);
    expect(() => new PcapWriter({ snaplen: 2 ** 32 })).toThrow(RangeError);
    expect(() => new PcapWriter({ initialCapacity: -1 })).toThrow(RangeError);
  });

  it("handles the largest tick a number holds exactly", () => {
    const writer = new PcapWriter();
    writer.record(Number.MAX_SAFE_INTEGER, new Uint8Array(1), 0, 1);
    const rec = parsePcap(writer.bytes()).records[0]!;
    expect({ sec: rec.sec, nsec: rec.nsec }).toEqual(expectedTime(Number.MAX_SAFE_INTEGER));
  });

  it("writes the same bytes to a file as bytes() returns", () => {
    const dir = mkdtempSync(join(tmpdir(), "nicsim-pcap-"));
    try {
      const writer = new PcapWriter();
      writer.record(123_456_789, new Uint8Array([1, 2, 3]), 0, 3);
      const path = join(dir, "capture.pcap");
      writer.writeFile(path);
      expect(Array.from(readFileSync(path))).toEqual(Array.from(writer.bytes()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Cross-check with Wireshark's own readers when they are installed (they usually are not).

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const capinfos = onPath("capinfos");
const tshark = onPath("tshark");
const wiresharkToolsMissing = capinfos === undefined && tshark === undefined;

describe("PcapWriter output read by Wireshark tools", () => {
  it.skipIf(wiresharkToolsMissing)(
    wiresharkToolsMissing
      ? "is read by capinfos/tshark (SKIPPED: neither capinfos nor tshark is on PATH)"
      : "is read by capinfos/tshark with the right record count and lengths",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "nicsim-pcap-"));
      try {
        const writer = new PcapWriter({ snaplen: 128 });
        const frame = new Uint8Array(1514);
        for (let i = 0; i < frame.length; i++) frame[i] = (i * 7) & 0xff;
        const lengths = [60, 1514, 64, 200, 128];
        lengths.forEach((len, i) => {
          writer.record(1_000_000_000_000 + i * 67_200, frame, 0, len);
        });
        const path = join(dir, "capture.pcap");
        writer.writeFile(path);

        if (capinfos !== undefined) {
          const run = spawnSync(capinfos, ["-c", "-M", path], { encoding: "utf8" });
          expect(run.status, run.stderr).toBe(0);
          expect(run.stdout).toMatch(new RegExp(`Number of packets:\\s*${lengths.length}\\b`));
        }
        if (tshark !== undefined) {
          const run = spawnSync(
            tshark,
            ["-r", path, "-T", "fields", "-e", "frame.len", "-e", "frame.cap_len"],
            { encoding: "utf8" },
          );
          expect(run.status, run.stderr).toBe(0);
          const rows = run.stdout
            .trim()
            .split("\n")
            .map((line) => line.trim().split(/\s+/).map(Number));
          expect(rows).toEqual(lengths.map((len) => [len, Math.min(len, 128)]));
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
