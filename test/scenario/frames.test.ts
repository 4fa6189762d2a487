import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  ChecksumStatus,
  ipv4HeaderChecksumOk,
  l4ChecksumOk,
} from "../../src/hw/offload/checksum.js";
import { parseFrame } from "../../src/hw/parse/parse-frame.js";
import { ParsedFrame, ParseError } from "../../src/hw/parse/parsed-frame.js";
import { type FrameTemplate, minimumFrameBytes } from "../../src/sim/frames/frame-builder.js";
import { FrameStamper } from "../../src/sim/frames/frame-stamper.js";
import { readSignature, type Signature } from "../../src/sim/frames/signature.js";

const template = fc.record({
  dst: fc.constant([0x00, 0x15, 0x5d, 0, 0, 0x10]),
  src: fc.constant([0x02, 0, 0x5e, 0, 0, 1]),
  vlan: fc.option(fc.integer({ min: 1, max: 4094 }), { nil: undefined }),
  ip: fc.constantFrom(4 as const, 6 as const),
  l4: fc.constantFrom("tcp" as const, "udp" as const),
  srcIp: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }),
  dstIp: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }),
  srcPort: fc.integer({ min: 0, max: 0xffff }),
  dstPort: fc.integer({ min: 0, max: 0xffff }),
});

/** `t` with addresses of its IP version's size. */
function sized(t: FrameTemplate): FrameTemplate {
  const n = t.ip === 4 ? 4 : 16;
  return { ...t, srcIp: t.srcIp.slice(0, n), dstIp: t.dstIp.slice(0, n) };
}

/** A small IPv4/UDP template for the signature layout tests. */
const SMALL_UDP: FrameTemplate = {
  dst: [0, 0, 0, 0, 0, 1],
  src: [0, 0, 0, 0, 0, 2],
  ip: 4,
  l4: "udp",
  srcIp: [10, 0, 0, 1],
  dstIp: [10, 0, 0, 2],
  srcPort: 1,
  dstPort: 2,
};

describe("generated frames", () => {
  test.prop([
    template,
    fc.nat(1500),
    fc.array(fc.tuple(fc.nat(), fc.nat(), fc.double({ min: 0, max: 1e18, noNaN: true })), {
      minLength: 1,
      maxLength: 4,
    }),
  ])("parse, carry valid checksums and give back their signature", (t, extra, stamps) => {
    const stamper = new FrameStamper(sized(t));
    const length = minimumFrameBytes(t) + extra;
    const parsed = new ParsedFrame();
    const sig: Signature = { flow: 0, seq: 0, sentAtTicks: 0 };
    for (const [flow, seq, sentAtTicks] of stamps) {
      const frame = stamper.stamp(length, flow, seq, sentAtTicks);
      parseFrame(frame, 0, length, parsed);
      expect(parsed.error).toBe(ParseError.None);
      if (t.ip === 4) expect(ipv4HeaderChecksumOk(frame, parsed)).toBe(ChecksumStatus.Good);
      expect(l4ChecksumOk(frame, parsed)).toBe(ChecksumStatus.Good);
      expect(readSignature(frame, 0, length, sig)).toBe(true);
      expect(sig).toEqual({ flow: flow >>> 0, seq: seq >>> 0, sentAtTicks });
    }
  });

  it("a frame lent at an offset in a larger area (as the driver indicates a batch) is read there", () => {
    const t = SMALL_UDP;
    const stamper = new FrameStamper(t);
    const length = minimumFrameBytes(t) + 10;
    // Two frames back to back: the first's signature is not at the end of the area.
    const area = new Uint8Array(2 * length + 7);
    area.set(stamper.stamp(length, 1, 5, 100), 7);
    area.set(stamper.stamp(length, 1, 6, 200), 7 + length);
    const sig: Signature = { flow: 0, seq: 0, sentAtTicks: 0 };
    expect(readSignature(area, 7, length, sig)).toBe(true);
    expect(sig).toEqual({ flow: 1, seq: 5, sentAtTicks: 100 });
    expect(readSignature(area, 7 + length, length, sig)).toBe(true);
    expect(sig).toEqual({ flow: 1, seq: 6, sentAtTicks: 200 });
  });

  it("the signature is big-endian: magic, flow, sequence, send time", () => {
    const t = SMALL_UDP;
    const length = minimumFrameBytes(t);
    const frame = new FrameStamper(t).stamp(length, 0x01020304, 0x05060708, 1.5);
    expect([...frame.subarray(length - 20)]).toEqual([
      0x4e, 0x53, 0x49, 0x47, 1, 2, 3, 4, 5, 6, 7, 8, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0,
    ]);
  });
});
