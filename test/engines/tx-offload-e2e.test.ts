import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LSO_MAX_PAYLOAD_BYTES, LSO_MAX_SEGMENTS, LSO_MIN_MSS } from "../../src/hw/offload/lso.js";
import { TICKS_PER_US } from "../../src/kernel/ticks.js";
import { NicHarness } from "../hw/nic-harness.js";

/** Naive one's complement sum over big-endian 16-bit words (the test's own oracle). */
function sum16(bytes: Uint8Array, from: number, to: number, initial = 0): number {
  let s = initial;
  for (let i = from; i < to; i += 2) s += (bytes[i]! << 8) | (i + 1 < to ? bytes[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** An Ethernet/IPv4/TCP large send: 14 + 20 + 20 bytes of headers, then `payload`. */
function largeSend(payload: Uint8Array, flags: number, seq: number): Uint8Array {
  const f = new Uint8Array(54 + payload.length);
  f.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00]);
  // IPv4: total length covers the whole send (ignored by LSO), id 0x7ffe (wraps), TTL 64.
  const total = Math.min(0xffff, 40 + payload.length);
  f.set(
    [
      0x45,
      0,
      total >>> 8,
      total & 0xff,
      0x7f,
      0xfe,
      0x40,
      0,
      64,
      6,
      0,
      0,
      10,
      0,
      0,
      1,
      10,
      0,
      0,
      2,
    ],
    14,
  );
  const tcp = [
    0x30,
    0x39,
    0x00,
    0x50,
    seq >>> 24,
    (seq >>> 16) & 0xff,
    (seq >>> 8) & 0xff,
    seq & 0xff,
  ];
  f.set([...tcp, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0], 34);
  f.set(payload, 54);
  return f;
}

function setup() {
  const h = new NicHarness({ queues: 2, vectors: 2 });
  const ring = h.setupRing("tx", 0, 64);
  const sent: Uint8Array[] = [];
  h.nic.wire.onTransmit((frame, length) => sent.push(frame.slice(0, length)));
  return { h, ring, sent };
}

/** The most bytes the test puts in one data descriptor (DTALEN is 16 bits). */
const BUFFER_BYTES = 60_000;

/**
 * Posts a context descriptor (slot 0) and data descriptors with TSE for `frame`: one per
 * BUFFER_BYTES, all with RS, the last with EOP.
 */
function postLso(h: NicHarness, ring: number, frame: Uint8Array, mss: number): void {
  const buffer = h.memory.alloc(frame.length);
  h.memory.write(buffer, frame, 0, frame.length);
  // Context: MACLEN 14 (bits 15:9), IPLEN 20 (8:0); DEXT, DTYP 2, IPv4, L4T TCP; MSS, L4LEN 20.
  h.memory.writeU32(ring, (14 << 9) | 20);
  h.memory.writeU32(ring + 4, 0);
  h.memory.writeU32(ring + 8, ((1 << 29) | (2 << 20) | (1 << 10) | (1 << 11)) >>> 0);
  h.memory.writeU32(ring + 12, ((mss << 16) | (20 << 8)) >>> 0);
  // Data: TSE, DEXT, RS, (EOP,) DTYP 3, length; the first with PAYLEN, TXSM and IXSM.
  let at = ring + 16;
  for (let from = 0; from < frame.length; from += BUFFER_BYTES, at += 16) {
    const bytes = Math.min(BUFFER_BYTES, frame.length - from);
    const eop = from + bytes === frame.length ? 1 << 24 : 0;
    h.memory.writeU64(at, buffer + from);
    h.memory.writeU32(at + 8, ((1 << 31) | (1 << 29) | (1 << 27) | eop | (3 << 20) | bytes) >>> 0);
    const options = from === 0 ? ((frame.length - 54) << 14) | (1 << 9) | (1 << 8) : 0;
    h.memory.writeU32(at + 12, options >>> 0);
  }
  h.write("TDT", (at - ring) / 16, 0);
}

describe("LSO through descriptors and the wire", () => {
  it("cuts a send into MSS segments that reassemble and verify", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 20_000 }),
        fc.integer({ min: 64, max: 1460 }),
        fc.constantFrom(0x10, 0x18, 0x19, 0x98),
        fc.nat(),
        (payload, mss, flags, seq) => {
          const { h, ring, sent } = setup();
          postLso(h, ring, largeSend(payload, flags, seq >>> 0), mss);
          h.run(200 * TICKS_PER_US);
          const segments = Math.max(1, Math.ceil(payload.length / mss));
          expect(sent.length).toBe(segments);
          const joined: number[] = [];
          sent.forEach((s, i) => {
            const body = s.subarray(54, 54 + ((s[16]! << 8) | s[17]!) - 40);
            expect(body.length).toBeLessThanOrEqual(mss);
            joined.push(...body);
            expect(sum16(s, 14, 34)).toBe(0xffff); // IPv4 header checksum
            const tcpLength = ((s[16]! << 8) | s[17]!) - 20;
            const pseudo = sum16(s, 26, 34) + 6 + tcpLength;
            expect(sum16(s, 34, 34 + tcpLength, pseudo)).toBe(0xffff); // TCP checksum
            expect((s[18]! << 8) | s[19]!).toBe((0x7ffe + i) & 0x7fff); // identification wraps
            const seqOut = ((s[38]! << 24) | (s[39]! << 16) | (s[40]! << 8) | s[41]!) >>> 0;
            expect(seqOut).toBe(((seq >>> 0) + i * mss) % 2 ** 32);
            const last = i === sent.length - 1;
            expect(s[47]! & 0x09).toBe(last ? flags & 0x09 : 0); // FIN, PSH only on the last
            expect(s[47]! & 0x80).toBe(i === 0 ? flags & 0x80 : 0); // CWR only on the first
          });
          expect(joined).toEqual([...payload]);
          expect(h.memory.readU32(ring + 28) & 0x9).toBe(1); // DD, no error
          expect(h.peek("GPTC")).toBe(segments);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("refuses an LSO request with an MSS under the minimum: STA_ERR, LSOERR, nothing sent", () => {
    for (const mss of [0, LSO_MIN_MSS - 1]) {
      const { h, ring, sent } = setup();
      postLso(h, ring, largeSend(new Uint8Array(5000), 0x18, 1), mss);
      h.run(50 * TICKS_PER_US);
      expect(sent).toEqual([]);
      expect(h.memory.readU32(ring + 28) & 0x9).toBe(0x9);
      expect(h.read("LSOERR")).toBe(1);
      expect(h.read("TXDERR")).toBe(1);
    }
  });

  it("the largest send at the minimum MSS outruns the packet buffer: staged, all sent in order", () => {
    const { h, ring, sent } = setup();
    const payload = Uint8Array.from({ length: LSO_MAX_PAYLOAD_BYTES }, (_, i) => i % 251);
    postLso(h, ring, largeSend(payload, 0x18, 1), LSO_MIN_MSS);
    h.run(2000 * TICKS_PER_US);
    expect(sent.length).toBe(LSO_MAX_SEGMENTS);
    const joined = new Uint8Array(payload.length);
    for (const [i, s] of sent.entries()) joined.set(s.subarray(54), i * LSO_MIN_MSS);
    expect(Buffer.compare(joined, payload)).toBe(0);
    expect(h.peek("GPTC")).toBe(LSO_MAX_SEGMENTS);
  });
});

describe("checksum insertion on transmit", () => {
  it("fills the IPv4 header and TCP checksums the first descriptor asks for", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 1400 }), (payload) => {
        const { h, ring, sent } = setup();
        const frame = largeSend(payload, 0x18, 7);
        frame[16] = (40 + payload.length) >>> 8;
        frame[17] = (40 + payload.length) & 0xff;
        const buffer = h.memory.alloc(frame.length);
        h.memory.write(buffer, frame, 0, frame.length);
        const cmd = (1 << 29) | (1 << 27) | (1 << 24) | (3 << 20) | frame.length;
        h.memory.writeU64(ring, buffer);
        h.memory.writeU32(ring + 8, cmd >>> 0);
        h.memory.writeU32(ring + 12, (1 << 9) | (1 << 8));
        h.write("TDT", 1, 0);
        h.run(50 * TICKS_PER_US);
        expect(sent.length).toBe(1);
        const s = sent[0]!;
        expect(sum16(s, 14, 34)).toBe(0xffff);
        const tcpLength = 20 + payload.length;
        expect(sum16(s, 34, 34 + tcpLength, sum16(s, 26, 34) + 6 + tcpLength)).toBe(0xffff);
      }),
      { numRuns: 40 },
    );
  });
});

describe("LSO padding", () => {
  it("pads a short last segment to the 60-byte Ethernet minimum", () => {
    const { h, ring, sent } = setup();
    // 845-byte MSS over 1695 bytes of payload: the last segment carries 5 bytes (59 in all).
    postLso(h, ring, largeSend(new Uint8Array(1695).fill(7), 0x18, 1), 845);
    h.run(100 * TICKS_PER_US);
    expect(sent.map((s) => s.length)).toEqual([54 + 845, 54 + 845, 60]);
    expect([...sent[2]!.subarray(54, 59)]).toEqual([7, 7, 7, 7, 7]);
    expect([...sent[2]!.subarray(59)]).toEqual([0]);
  });
});
