import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LSO_MAX_PAYLOAD_BYTES,
  LSO_MAX_SEGMENT_BYTES,
  LSO_MAX_SEGMENTS,
  LSO_MIN_MSS,
  LsoRefusal,
  type LsoRequest,
  segmentTcp,
} from "../../src/hw/offload/lso.js";

// ---- The oracle: written apart from the engine, from the RFCs and the LSO v2 rules ----

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const PSH = 0x08;
const ACK = 0x10;
const URG = 0x20;
const ECE = 0x40;
const CWR = 0x80;

/**
 * The one's complement sum of big-endian 16-bit words (odd tail zero-padded): the exact
 * integer total reduced modulo 0xFFFF, where a non-zero multiple of 0xFFFF reads 0xFFFF.
 */
function refSum(parts: readonly Uint8Array[]): number {
  let total = 0n;
  for (const data of parts) {
    let words = 0; // exact: at most 2^18 words of 0xFFFF per part here
    const even = data.length - (data.length % 2);
    for (let i = 0; i < even; i += 2) words += data[i]! * 256 + data[i + 1]!;
    if (data.length % 2 === 1) words += data[data.length - 1]! * 256;
    total += BigInt(words);
  }
  return total === 0n ? 0 : Number((total - 1n) % 0xffffn) + 1;
}

function u16(b: Uint8Array, at: number): number {
  return b[at]! * 256 + b[at + 1]!;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! * 256 + b[at + 1]!) * 256 + b[at + 2]!) * 256 + b[at + 3]!;
}

function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = Math.floor(v / 256) % 256;
  b[at + 1] = v % 256;
}

function put32(b: Uint8Array, at: number, v: number): void {
  put16(b, at, Math.floor(v / 65536) % 65536);
  put16(b, at + 2, v % 65536);
}

/** The pseudo header of RFC 793 (IPv4) or RFC 8200 section 8.1 (IPv6), byte by byte. */
function pseudoHeader(src: Uint8Array, dst: Uint8Array, tcpLength: number): Uint8Array {
  if (src.length === 4) {
    const p = new Uint8Array(12);
    p.set(src, 0);
    p.set(dst, 4);
    p[9] = 6;
    put16(p, 10, tcpLength);
    return p;
  }
  const p = new Uint8Array(40);
  p.set(src, 0);
  p.set(dst, 16);
  put32(p, 32, tcpLength);
  p[39] = 6;
  return p;
}

// ---- Template frames ----

interface ExtSpec {
  /** 0 hop-by-hop, 43 routing (segments left 0), 60 destination options, 51 AH. */
  type: 0 | 43 | 60 | 51;
  /** Length units: (units + 1) * 8 bytes, or for AH (2 * units + 2) * 4 bytes. */
  units: number;
}

interface TemplateSpec {
  vlanTci: number | null;
  ipv4: boolean;
  ipv4OptionWords: number;
  ipId: number;
  dontFragment: boolean;
  /** IP length field of the template: ignored by the engine, so anything. */
  ipLengthJunk: number;
  ipChecksumJunk: number;
  exts: ExtSpec[];
  tcpOptionWords: number;
  seq: number;
  /** Byte 13: any of FIN PSH ACK URG ECE CWR (SYN and RST excluded). */
  flags: number;
  /** Low nibble of byte 12 (reserved bits and NS), copied unchanged. */
  byte12Low: number;
  tcpChecksumJunk: number;
  payloadLength: number;
  seed: number;
  mss: number;
}

/** Deterministic filler bytes (xorshift32). */
function fillBytes(out: Uint8Array, from: number, to: number, seed: number): void {
  let x = seed | 1;
  for (let i = from; i < to; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
}

interface Template {
  bytes: Uint8Array;
  request: LsoRequest;
  headers: number;
  l3: number;
  l4: number;
}

function buildTemplate(s: TemplateSpec): Template {
  const mac = s.vlanTci === null ? 14 : 18;
  let ipBytes: number;
  if (s.ipv4) ipBytes = 20 + 4 * s.ipv4OptionWords;
  else {
    ipBytes = 40;
    for (const e of s.exts) ipBytes += extBytes(e);
  }
  const tcpBytes = 20 + 4 * s.tcpOptionWords;
  const headers = mac + ipBytes + tcpBytes;
  const b = new Uint8Array(headers + s.payloadLength);
  // Random bytes everywhere first: every field not set below stays random.
  fillBytes(b, 0, b.length, s.seed);
  let at = 12;
  if (s.vlanTci !== null) {
    put16(b, 12, 0x8100);
    put16(b, 14, s.vlanTci);
    at = 16;
  }
  put16(b, at, s.ipv4 ? 0x0800 : 0x86dd);
  const l3 = mac;
  const l4 = mac + ipBytes;
  if (s.ipv4) {
    b[l3] = 0x40 | (ipBytes / 4);
    put16(b, l3 + 2, s.ipLengthJunk);
    put16(b, l3 + 4, s.ipId);
    put16(b, l3 + 6, s.dontFragment ? 0x4000 : 0);
    b[l3 + 9] = 6;
    put16(b, l3 + 10, s.ipChecksumJunk);
  } else {
    b[l3] = 0x60 | (b[l3]! & 0x0f);
    put16(b, l3 + 4, s.ipLengthJunk);
    let nextAt = l3 + 6;
    let hdr = l3 + 40;
    for (const e of s.exts) {
      b[nextAt] = e.type;
      nextAt = hdr;
      b[hdr + 1] = e.type === 51 ? 2 * e.units : e.units;
      if (e.type === 43) b[hdr + 3] = 0; // segments left
      hdr += extBytes(e);
    }
    b[nextAt] = 6;
  }
  b[l4 + 12] = ((tcpBytes / 4) << 4) | s.byte12Low;
  b[l4 + 13] = s.flags;
  put32(b, l4 + 4, s.seq);
  put16(b, l4 + 16, s.tcpChecksumJunk);
  return {
    bytes: b,
    request: {
      macHeaderBytes: mac,
      ipHeaderBytes: ipBytes,
      tcpHeaderBytes: tcpBytes,
      mss: s.mss,
      ipv4: s.ipv4,
    },
    headers,
    l3,
    l4,
  };
}

function extBytes(e: ExtSpec): number {
  return e.type === 51 ? (2 * e.units + 2) * 4 : (e.units + 1) * 8;
}

const extArb: fc.Arbitrary<ExtSpec> = fc.record({
  type: fc.constantFrom<ExtSpec["type"]>(0, 43, 60, 51),
  units: fc.integer({ min: 0, max: 3 }),
});

const flagsArb = fc
  .subarray([FIN, PSH, ACK, URG, ECE, CWR])
  .map((bits) => bits.reduce((a, bit) => a | bit, 0));

/** Payload lengths, mostly small so the run stays fast, up to the 256 KiB limit. */
const payloadLengthArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 3000 }), weight: 12 },
  { arbitrary: fc.integer({ min: 0, max: 40_000 }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: LSO_MAX_PAYLOAD_BYTES }), weight: 1 },
  { arbitrary: fc.constantFrom(0, 1, LSO_MAX_PAYLOAD_BYTES - 1, LSO_MAX_PAYLOAD_BYTES), weight: 1 },
);

const mssArb = fc.oneof(
  fc.integer({ min: LSO_MIN_MSS, max: 9000 }),
  fc.integer({ min: LSO_MIN_MSS, max: 2 * LSO_MIN_MSS }),
  fc.constantFrom(536, 1440, 1448, 1460, 8960, 9000),
);

const specArb: fc.Arbitrary<TemplateSpec> = fc
  .record({
    vlanTci: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: null }),
    ipv4: fc.boolean(),
    ipv4OptionWords: fc.integer({ min: 0, max: 10 }),
    ipId: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0x7ff0, max: 0x7fff })),
    dontFragment: fc.boolean(),
    ipLengthJunk: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })),
    ipChecksumJunk: fc.integer({ min: 0, max: 0xffff }),
    exts: fc.array(extArb, { maxLength: 3 }),
    tcpOptionWords: fc.integer({ min: 0, max: 10 }),
    seq: fc.oneof(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0xffff0000, max: 0xffffffff }),
    ),
    flags: flagsArb,
    byte12Low: fc.integer({ min: 0, max: 15 }),
    tcpChecksumJunk: fc.integer({ min: 0, max: 0xffff }),
    payloadLength: payloadLengthArb,
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    mss: mssArb,
  })
  // Bound the segment count (a 256 KiB send at the minimum MSS is 4096 segments) to keep it fast.
  .map((s) => ({ ...s, mss: Math.max(s.mss, Math.ceil(s.payloadLength / 3000)) }));

/** What a send emitted: copies of each segment and the offset it was passed at. */
interface Capture {
  segments: Uint8Array[];
  badOffsets: number;
  foreignBuffers: number;
}

function run(
  t: Template,
  opts: { base?: number; scratchBytes?: number; scribble?: boolean } = {},
): { result: number; capture: Capture; srcIntact: boolean } {
  const base = opts.base ?? 0;
  const src = new Uint8Array(base + t.bytes.length + 7);
  fillBytes(src, 0, src.length, 0x5eed);
  src.set(t.bytes, base);
  const before = src.slice();
  const scratch = new Uint8Array(opts.scratchBytes ?? LSO_MAX_SEGMENT_BYTES);
  const capture: Capture = { segments: [], badOffsets: 0, foreignBuffers: 0 };
  const result = segmentTcp(
    src,
    base,
    t.bytes.length,
    t.request,
    scratch,
    (bytes, offset, length) => {
      if (offset !== 0) capture.badOffsets++;
      if (bytes !== scratch) capture.foreignBuffers++;
      capture.segments.push(bytes.slice(offset, offset + length));
      if (opts.scribble) scratch.fill(0xee);
    },
  );
  let srcIntact = true;
  for (let i = 0; i < src.length; i++) if (src[i] !== before[i]) srcIntact = false;
  return { result, capture, srcIntact };
}

/** The expected IPv4 identification of segment i: 15 bits count, wrapping; bit 15 kept. */
function expectedId(id0: number, i: number): number {
  const high = id0 >= 0x8000 ? 0x8000 : 0;
  return high + ((((id0 - high + i) % 0x8000) + 0x8000) % 0x8000);
}

/** The name of a refusal code, for messages. */
function refusalName(code: number): string {
  return Object.entries(LsoRefusal).find(([, c]) => c === code)?.[0] ?? `code ${code}`;
}

/**
 * Checks a send (`result`: what segmentTcp returned) against the rules; returns the first
 * problem found, or null. Builds each expected segment from the template independently
 * and compares every byte.
 */
function problemWith(t: Template, result: number, capture: Capture): string | null {
  const r = t.request;
  const payload = t.bytes.length - t.headers;
  const count = payload === 0 ? 1 : Math.ceil(payload / r.mss);
  if (result < 0) return `refused: ${refusalName(result)}`;
  if (capture.badOffsets !== 0 || capture.foreignBuffers !== 0) return "emit not (scratch, 0, n)";
  if (result !== count) return `segments ${result}, expected ${count}`;
  if (capture.segments.length !== count) return `emitted ${capture.segments.length} of ${count}`;
  const tmpl = t.bytes;
  const id0 = u16(tmpl, t.l3 + 4);
  const seq0 = u32(tmpl, t.l4 + 4);
  const flags0 = tmpl[t.l4 + 13]!;
  const addrAt = r.ipv4 ? t.l3 + 12 : t.l3 + 8;
  const addrLen = r.ipv4 ? 4 : 16;
  const srcAddr = tmpl.slice(addrAt, addrAt + addrLen);
  const dstAddr = tmpl.slice(addrAt + addrLen, addrAt + 2 * addrLen);
  const reassembled = new Uint8Array(payload);
  let reassembledAt = 0;
  for (let i = 0; i < count; i++) {
    const seg = capture.segments[i]!;
    const size = i < count - 1 ? r.mss : payload - (count - 1) * r.mss;
    if (seg.length !== t.headers + size)
      return `segment ${i}: ${seg.length} bytes, expected ${t.headers + size}`;
    if (size > r.mss || (i < count - 1 && size !== r.mss)) return `segment ${i}: payload ${size}`;
    reassembled.set(seg.subarray(t.headers), reassembledAt);
    reassembledAt += size;

    // The expected segment: the template's headers, fields fixed per the rules.
    const want = new Uint8Array(t.headers + size);
    want.set(tmpl.subarray(0, t.headers), 0);
    want.set(tmpl.subarray(t.headers + i * r.mss, t.headers + i * r.mss + size), t.headers);
    const tcpLength = r.tcpHeaderBytes + size;
    if (r.ipv4) {
      put16(want, t.l3 + 2, r.ipHeaderBytes + tcpLength);
      put16(want, t.l3 + 4, expectedId(id0, i));
      put16(want, t.l3 + 10, 0);
      const ipSum = refSum([want.subarray(t.l3, t.l4)]);
      put16(want, t.l3 + 10, 0xffff - ipSum);
    } else {
      put16(want, t.l3 + 4, r.ipHeaderBytes - 40 + tcpLength);
    }
    put32(want, t.l4 + 4, (seq0 + i * r.mss) % 2 ** 32);
    let flags = flags0;
    if (i !== 0) flags &= ~CWR;
    if (i !== count - 1) flags &= ~(FIN | PSH);
    want[t.l4 + 13] = flags;
    put16(want, t.l4 + 16, 0);
    const tcpSum = refSum([pseudoHeader(srcAddr, dstAddr, tcpLength), want.subarray(t.l4)]);
    put16(want, t.l4 + 16, 0xffff - tcpSum);

    for (let k = 0; k < want.length; k++) {
      if (seg[k] !== want[k]) {
        const where = k < t.l3 ? "MAC" : k < t.l4 ? "IP" : k < t.headers ? "TCP" : "payload";
        return `segment ${i}/${count}: byte ${k} (${where} +${k < t.l3 ? k : k < t.l4 ? k - t.l3 : k - t.l4}) is ${seg[k]}, expected ${want[k]}`;
      }
    }
    // And the checksums verify on the emitted bytes as a receiver would check them.
    if (r.ipv4 && refSum([seg.subarray(t.l3, t.l4)]) !== 0xffff) return `segment ${i}: IP checksum`;
    const verify = refSum([pseudoHeader(srcAddr, dstAddr, tcpLength), seg.subarray(t.l4)]);
    if (verify !== 0xffff) return `segment ${i}: TCP checksum`;
  }
  for (let k = 0; k < payload; k++) {
    if (reassembled[k] !== tmpl[t.headers + k]) return `reassembled payload differs at ${k}`;
  }
  return null;
}

// ---- Fixed templates for examples and refusals ----

function baseSpec(over: Partial<TemplateSpec> = {}): TemplateSpec {
  return {
    vlanTci: null,
    ipv4: true,
    ipv4OptionWords: 0,
    ipId: 0x1234,
    dontFragment: true,
    ipLengthJunk: 0,
    ipChecksumJunk: 0,
    exts: [],
    tcpOptionWords: 3,
    seq: 1000,
    flags: ACK | PSH,
    byte12Low: 0,
    tcpChecksumJunk: 0xabcd,
    payloadLength: 4000,
    seed: 99,
    mss: 1448,
    ...over,
  };
}

function segmentsOf(t: Template): { result: number; segs: Uint8Array[] } {
  const { result, capture } = run(t);
  expect(problemWith(t, result, capture)).toBeNull();
  return { result, segs: capture.segments };
}

function totalBytes(segs: readonly Uint8Array[]): number {
  return segs.reduce((sum, s) => sum + s.length, 0);
}

describe("segmentTcp: property tests against the oracle", () => {
  it("IPv4 and IPv6 sends follow every rule (random options, extension headers, VLAN, flags)", () => {
    fc.assert(
      fc.property(
        specArb,
        fc.integer({ min: 0, max: 40 }),
        fc.boolean(),
        (spec, base, scribble) => {
          const t = buildTemplate(spec);
          const { result, capture, srcIntact } = run(t, { base, scribble });
          expect(problemWith(t, result, capture)).toBeNull();
          expect(srcIntact).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("IPv6 with extension headers, many runs", () => {
    const v6 = specArb.filter((s) => !s.ipv4 && s.exts.length > 0);
    fc.assert(
      fc.property(v6, (spec) => {
        const t = buildTemplate(spec);
        const { result, capture } = run(t);
        expect(problemWith(t, result, capture)).toBeNull();
      }),
      { numRuns: 100 },
    );
  });

  it("never throws, and a refusal emits nothing, for mangled templates and requests", () => {
    const requestArb = fc.record({
      macHeaderBytes: fc.constantFrom(0, 12, 14, 16, 18, 22),
      ipHeaderBytes: fc.oneof(fc.integer({ min: -4, max: 200 }), fc.constant(Number.NaN)),
      tcpHeaderBytes: fc.oneof(fc.integer({ min: -4, max: 64 }), fc.constant(0.5)),
      mss: fc.oneof(
        fc.integer({ min: -2, max: 10_000 }),
        fc.constantFrom(Number.NaN, 2.5, 2 ** 40),
      ),
      ipv4: fc.boolean(),
    });
    fc.assert(
      fc.property(
        specArb.map((s) => ({ ...s, payloadLength: Math.min(s.payloadLength, 5000) })),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.option(requestArb, { nil: null }),
        fc.integer({ min: -3, max: 3 }),
        (spec, flips, request, lengthDelta) => {
          const t = buildTemplate(spec);
          for (const [at, value] of flips) t.bytes[at % t.headers] = value;
          if (request !== null) t.request = request;
          const src = t.bytes;
          const scratch = new Uint8Array(LSO_MAX_SEGMENT_BYTES);
          let emitted = 0;
          const length = Math.max(0, src.length + lengthDelta);
          const result = segmentTcp(src, 0, length, t.request, scratch, () => {
            emitted++;
          });
          expect(emitted).toBe(Math.max(result, 0));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("segmentTcp: examples", () => {
  it("IPv4 identification wraps within 0x0000-0x7FFF: 7FFE, 7FFF, 0000, 0001", () => {
    const t = buildTemplate(baseSpec({ ipId: 0x7ffe, payloadLength: 400, mss: 100 }));
    const { segs } = segmentsOf(t);
    expect(segs.map((s) => u16(s, t.l3 + 4))).toEqual([0x7ffe, 0x7fff, 0x0000, 0x0001]);
  });

  it("a template id with bit 15 set keeps it; the low 15 bits wrap", () => {
    const t = buildTemplate(baseSpec({ ipId: 0xfffe, payloadLength: 400, mss: 100 }));
    const { segs } = segmentsOf(t);
    expect(segs.map((s) => u16(s, t.l3 + 4))).toEqual([0xfffe, 0xffff, 0x8000, 0x8001]);
  });

  it("sequence numbers advance by the payload sent and wrap at 2^32", () => {
    const t = buildTemplate(baseSpec({ seq: 0xffffff00, payloadLength: 700, mss: 256 }));
    const { segs } = segmentsOf(t);
    expect(segs.map((s) => u32(s, t.l4 + 4))).toEqual([0xffffff00, 0, 0x100]);
  });

  it("FIN and PSH only on the last segment, CWR only on the first; ECE, URG, ACK on all", () => {
    const all = FIN | PSH | CWR | ECE | URG | ACK;
    const t = buildTemplate(baseSpec({ flags: all, payloadLength: 3000, mss: 1000 }));
    const { segs } = segmentsOf(t);
    expect(segs.map((s) => s[t.l4 + 13])).toEqual([
      CWR | ECE | URG | ACK,
      ECE | URG | ACK,
      FIN | PSH | ECE | URG | ACK,
    ]);
  });

  it("a send without payload is one segment of headers, all flags kept", () => {
    const flags = FIN | PSH | CWR | ACK;
    for (const ipv4 of [true, false]) {
      const t = buildTemplate(baseSpec({ ipv4, flags, payloadLength: 0, ipLengthJunk: 0xffff }));
      const { result, segs } = segmentsOf(t);
      expect(result).toBe(1);
      expect(segs[0]!.length).toBe(t.headers);
      expect(segs[0]![t.l4 + 13]).toBe(flags);
      const ipLength = ipv4 ? u16(segs[0]!, t.l3 + 2) : u16(segs[0]!, t.l3 + 4);
      expect(ipLength).toBe(ipv4 ? t.headers - t.l3 : t.headers - t.l3 - 40);
    }
  });

  it("the full 256 KiB at MSS 1448: 182 segments, the last of 56 bytes", () => {
    const t = buildTemplate(baseSpec({ payloadLength: LSO_MAX_PAYLOAD_BYTES, mss: 1448 }));
    const { result, segs } = segmentsOf(t);
    expect(result).toBe(182);
    expect(segs.at(-1)!.length - t.headers).toBe(LSO_MAX_PAYLOAD_BYTES - 181 * 1448);
    expect(totalBytes(segs)).toBe(LSO_MAX_PAYLOAD_BYTES + 182 * t.headers);
  });

  it("the full 256 KiB at the minimum MSS: LSO_MAX_SEGMENTS segments", () => {
    const t = buildTemplate(baseSpec({ payloadLength: LSO_MAX_PAYLOAD_BYTES, mss: LSO_MIN_MSS }));
    const { result, segs } = segmentsOf(t);
    expect(result).toBe(LSO_MAX_SEGMENTS);
    expect(segs.length).toBe(4096);
  });

  it("an odd MSS and payload: every segment's payload is odd", () => {
    const mss = LSO_MIN_MSS + 1;
    const t = buildTemplate(baseSpec({ payloadLength: 37 * mss - 2, mss, vlanTci: 0x0123 }));
    expect(segmentsOf(t).segs.length).toBe(37);
  });

  it("an MSS filling a segment to exactly the 9216-byte jumbo limit is accepted", () => {
    const probe = buildTemplate(baseSpec());
    const mss = LSO_MAX_SEGMENT_BYTES - probe.headers;
    const t = buildTemplate(baseSpec({ mss, payloadLength: 2 * mss + 5 }));
    const { segs } = segmentsOf(t);
    expect(segs.map((s) => s.length)).toEqual([
      LSO_MAX_SEGMENT_BYTES,
      LSO_MAX_SEGMENT_BYTES,
      t.headers + 5,
    ]);
  });

  it("the result is the number of segments", () => {
    const t = buildTemplate(baseSpec({ payloadLength: 2500, mss: 1000 }));
    const { result, segs } = segmentsOf(t);
    expect(result).toBe(3);
    expect(totalBytes(segs)).toBe(2500 + 3 * t.headers);
  });
});

describe("segmentTcp: refusals", () => {
  /** Runs the template (after `mutate`) and expects a refusal for `reason` with nothing sent. */
  function expectRefused(
    reason: LsoRefusal,
    spec: Partial<TemplateSpec>,
    mutate: (t: Template) => void = () => {},
    call?: (t: Template, scratch: Uint8Array, emit: () => void) => number,
  ): void {
    const t = buildTemplate(baseSpec(spec));
    mutate(t);
    const before = t.bytes.slice();
    let emitted = 0;
    const emit = (): void => {
      emitted++;
    };
    const scratch = new Uint8Array(LSO_MAX_SEGMENT_BYTES);
    let result: number | undefined;
    expect(() => {
      result = call
        ? call(t, scratch, emit)
        : segmentTcp(t.bytes, 0, t.bytes.length, t.request, scratch, emit);
    }).not.toThrow();
    expect(result).toBe(reason);
    expect(emitted).toBe(0);
    // Compared as buffers: a deep equality over 256 KiB is slow.
    expect(Buffer.compare(t.bytes, before)).toBe(0);
  }

  it("MSS_TOO_SMALL: an MSS under LSO_MIN_MSS (and negative, fractional, NaN)", () => {
    for (const mss of [0, 1, LSO_MIN_MSS - 1, -1, 2.5, LSO_MIN_MSS + 0.5, Number.NaN]) {
      expectRefused(LsoRefusal.MSS_TOO_SMALL, {}, (t) => {
        t.request.mss = mss;
      });
    }
    expectRefused(LsoRefusal.MSS_TOO_SMALL, { payloadLength: 0, mss: 0 });
    // The minimum itself is accepted.
    segmentsOf(buildTemplate(baseSpec({ payloadLength: 1000, mss: LSO_MIN_MSS })));
  });

  it("mss-too-large: a segment over the 9216-byte jumbo limit, or an MSS over 256 KiB", () => {
    const probe = buildTemplate(baseSpec());
    expectRefused(LsoRefusal.MSS_TOO_LARGE, { mss: LSO_MAX_SEGMENT_BYTES - probe.headers + 1 });
    expectRefused(LsoRefusal.MSS_TOO_LARGE, { mss: LSO_MAX_PAYLOAD_BYTES + 1, payloadLength: 100 });
    // Checked on the MSS itself, even when the payload would fit in one segment.
    expectRefused(LsoRefusal.MSS_TOO_LARGE, { mss: 9500, payloadLength: 10 });
  });

  it("payload-too-large: more than 256 KiB of payload", () => {
    expectRefused(LsoRefusal.PAYLOAD_TOO_LARGE, { payloadLength: LSO_MAX_PAYLOAD_BYTES + 1 });
  });

  it("headers-exceed-frame: the named headers are longer than the frame", () => {
    expectRefused(LsoRefusal.HEADERS_EXCEED_FRAME, {}, undefined, (t, scratch, emit) =>
      segmentTcp(t.bytes, 0, t.headers - 1, t.request, scratch, emit),
    );
    expectRefused(LsoRefusal.HEADERS_EXCEED_FRAME, { payloadLength: 0 }, (t) => {
      t.request.tcpHeaderBytes += 4;
    });
  });

  it("bad-header-lengths: malformed lengths, or lengths the headers contradict", () => {
    const v6ext: Partial<TemplateSpec> = { ipv4: false, exts: [{ type: 60, units: 1 }] };
    const cases: Array<[Partial<TemplateSpec>, Partial<LsoRequest>]> = [
      [{}, { macHeaderBytes: 16 }],
      [{}, { macHeaderBytes: 18 }], // untagged frame
      [{ vlanTci: 5 }, { macHeaderBytes: 14 }], // tagged frame
      [{}, { ipHeaderBytes: 24 }], // IHL says 20
      [{ ipv4OptionWords: 2 }, { ipHeaderBytes: 20 }],
      [{}, { ipHeaderBytes: 64 }],
      [{}, { ipHeaderBytes: 22 }],
      [{}, { tcpHeaderBytes: 24 }], // data offset says 32
      [{}, { tcpHeaderBytes: 30 }],
      [{}, { tcpHeaderBytes: 16 }],
      [v6ext, { ipHeaderBytes: 40 }], // the extension header is 16 bytes
      [v6ext, { ipHeaderBytes: 64 }],
      [{ ipv4: false }, { ipHeaderBytes: 36 }],
    ];
    for (const [spec, patch] of cases) {
      expectRefused(LsoRefusal.BAD_HEADER_LENGTHS, spec, (t) => Object.assign(t.request, patch));
    }
    // Headers that are malformed in themselves.
    expectRefused(LsoRefusal.BAD_HEADER_LENGTHS, {}, (t) => {
      t.bytes[t.l4 + 12] = 0x40; // TCP data offset 4
    });
    expectRefused(LsoRefusal.BAD_HEADER_LENGTHS, {}, (t) => {
      t.bytes[t.l3] = 0x44; // IHL 4
    });
  });

  it("not-tcp: a non-IP EtherType, UDP, or an IPv6 chain ending elsewhere", () => {
    expectRefused(LsoRefusal.NOT_TCP, {}, (t) => put16(t.bytes, 12, 0x0806));
    expectRefused(LsoRefusal.NOT_TCP, {}, (t) => {
      t.bytes[t.l3 + 9] = 17;
    });
    expectRefused(LsoRefusal.NOT_TCP, { ipv4: false }, (t) => {
      t.bytes[t.l3 + 6] = 50;
    });
    expectRefused(LsoRefusal.NOT_TCP, { ipv4: false, exts: [{ type: 0, units: 0 }] }, (t) => {
      t.bytes[t.l3 + 40] = 59;
    });
  });

  it("ip-version-mismatch: the request names the other IP version", () => {
    expectRefused(LsoRefusal.IP_VERSION_MISMATCH, {}, (t) => {
      t.request.ipv4 = false;
    });
    expectRefused(LsoRefusal.IP_VERSION_MISMATCH, { ipv4: false }, (t) => {
      t.request.ipv4 = true;
      t.request.ipHeaderBytes = 40;
    });
    expectRefused(LsoRefusal.IP_VERSION_MISMATCH, {}, (t) => {
      t.bytes[t.l3] = 0x65;
    });
  });

  it("ip-fragment: MF, a fragment offset, or an IPv6 fragment header", () => {
    expectRefused(LsoRefusal.IP_FRAGMENT, {}, (t) => put16(t.bytes, t.l3 + 6, 0x2000));
    expectRefused(LsoRefusal.IP_FRAGMENT, {}, (t) => put16(t.bytes, t.l3 + 6, 0x0010));
    expectRefused(LsoRefusal.IP_FRAGMENT, { ipv4: false, exts: [{ type: 60, units: 0 }] }, (t) => {
      // Make the 8-byte destination options header a fragment header (offset 0, M set).
      t.bytes[t.l3 + 6] = 44;
      put16(t.bytes, t.l3 + 42, 0x0001);
    });
  });

  it("routing-header: IPv6 routing header with segments left", () => {
    expectRefused(
      LsoRefusal.ROUTING_HEADER,
      { ipv4: false, exts: [{ type: 43, units: 2 }] },
      (t) => {
        t.bytes[t.l3 + 43] = 1;
      },
    );
  });

  it("syn-or-rst: SYN or RST on the template", () => {
    expectRefused(LsoRefusal.SYN_OR_RST, { flags: SYN | ACK });
    expectRefused(LsoRefusal.SYN_OR_RST, { flags: RST });
    expectRefused(LsoRefusal.SYN_OR_RST, { ipv4: false, flags: SYN });
  });

  it("frame-out-of-bounds and scratch-too-small", () => {
    expectRefused(LsoRefusal.FRAME_OUT_OF_BOUNDS, {}, undefined, (t, scratch, emit) =>
      segmentTcp(t.bytes, 1, t.bytes.length, t.request, scratch, emit),
    );
    expectRefused(LsoRefusal.FRAME_OUT_OF_BOUNDS, {}, undefined, (t, scratch, emit) =>
      segmentTcp(t.bytes, -1, 100, t.request, scratch, emit),
    );
    expectRefused(
      LsoRefusal.SCRATCH_TOO_SMALL,
      { payloadLength: 3000, mss: 1000 },
      undefined,
      (t, _s, emit) =>
        segmentTcp(t.bytes, 0, t.bytes.length, t.request, new Uint8Array(t.headers + 999), emit),
    );
    // Exactly the largest segment is enough.
    const t = buildTemplate(baseSpec({ payloadLength: 3000, mss: 1000 }));
    const scratch = new Uint8Array(t.headers + 1000);
    expect(segmentTcp(t.bytes, 0, t.bytes.length, t.request, scratch, () => {})).toBe(3);
  });
});
