import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseScenario, runScenario } from "../../src/sim/scenario/index.js";
import { parsePcap } from "../taps/pcap-reader.js";

// runScenario's capture of the wire, read back with the tests' own pcap reader
// (test/taps/pcap-reader.ts); the frames are then checked against what the scenario says
// went over the wire.

/** The captured frames (each whole: the capture cuts none short) and their times in ns. */
function readFrames(file: Uint8Array): { ns: bigint; bytes: Uint8Array }[] {
  return parsePcap(file).records.map((r) => {
    expect(r.inclLen, "a frame cut short").toBe(r.origLen);
    return { ns: BigInt(r.sec) * 1_000_000_000n + BigInt(r.nsec), bytes: r.data };
  });
}

const mac = (b: Uint8Array, at: number) =>
  [...b.subarray(at, at + 6)].map((x) => x.toString(16).padStart(2, "0")).join(":");
const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;

/** The ones'-complement sum of a header, folded: 0xffff when its checksum is right. */
function onesSum(b: Uint8Array, from: number, length: number): number {
  let s = 0;
  for (let i = from; i < from + length; i += 2) s += u16(b, i);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

const PEER = "02:00:5e:00:00:01";

describe("runScenario with pcapPath", () => {
  const dir = mkdtempSync(join(tmpdir(), "nicsim-pcap-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes every frame that crossed the wire, both ways, in time order", async () => {
    const scenario = parseScenario({
      name: "pcap",
      durationMs: 10,
      host: { processors: 2 },
      nic: { queues: 4, vectors: 4 },
      vms: [
        { name: "rx", mac: "00:15:5d:00:00:01", vlan: 7 },
        { name: "tx", mac: "00:15:5d:00:00:02" },
        { name: "peer", mac: "00:15:5d:00:00:03" },
      ],
      traffic: {
        flows: [
          // 20 frames per ms from the wire, tagged for VLAN 7.
          {
            from: "wire",
            to: "rx",
            ip: 6,
            l4: "tcp",
            phases: [{ atMs: 0, framesPerSecond: 20_000, frameBytes: 600 }],
          },
          // 2 large sends per ms of 3000 B: 54 B of headers and 2946 B cut into 1000, 1000, 946.
          {
            from: "tx",
            to: "wire",
            ip: 4,
            l4: "tcp",
            lsoMss: 1000,
            phases: [{ atMs: 0, framesPerSecond: 2000, frameBytes: 3000 }],
          },
          // VM to VM: never on the wire.
          {
            from: "tx",
            to: "peer",
            ip: 4,
            l4: "udp",
            phases: [{ atMs: 0, framesPerSecond: 5000, frameBytes: 200 }],
          },
        ],
      },
    });
    const path = join(dir, "run.pcap");
    const r = await runScenario(scenario, "dynamic", { pcapPath: path });
    expect(r.droppedTotal).toBe(0);
    const frames = readFrames(readFileSync(path));

    for (let i = 1; i < frames.length; i++) expect(frames[i]!.ns >= frames[i - 1]!.ns).toBe(true);
    const toNic = frames.filter((f) => mac(f.bytes, 6) === PEER);
    const fromNic = frames.filter((f) => mac(f.bytes, 0) === PEER);
    expect(toNic.length + fromNic.length).toBe(frames.length);

    // From the wire: 10 ms at 20,000 frames/s, each for rx with its VLAN tag and signature.
    expect(toNic).toHaveLength(200);
    const seqs: number[] = [];
    for (const f of toNic) {
      const b = f.bytes;
      expect(b.length).toBe(600);
      expect(mac(b, 0)).toBe("00:15:5d:00:00:01");
      expect(u16(b, 12)).toBe(0x8100);
      expect(u16(b, 14) & 0x0fff).toBe(7);
      expect(u16(b, 16)).toBe(0x86dd);
      // "NSIG", then the flow and the sequence number, in the last 20 bytes.
      const sig = new DataView(b.buffer, b.byteOffset + b.length - 20, 20);
      expect(sig.getUint32(0)).toBe(0x4e534947);
      seqs.push(sig.getUint32(8));
    }
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i));

    // To the wire: 20 large sends, each cut into segments of 1000, 1000 and 946 payload bytes
    // with their own IPv4 header (checksum right, lengths right), from tx's address.
    expect(fromNic).toHaveLength(20 * 3);
    const payloads = fromNic.map((f) => {
      const b = f.bytes;
      expect(mac(b, 6)).toBe("00:15:5d:00:00:02");
      expect(u16(b, 12)).toBe(0x0800);
      expect(onesSum(b, 14, 20)).toBe(0xffff);
      expect(u16(b, 16)).toBe(b.length - 14);
      return b.length - 54;
    });
    expect(payloads).toEqual(Array.from({ length: 20 }, () => [1000, 1000, 946]).flat());
  });
});
