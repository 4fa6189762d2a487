import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  RSS_MAX_INPUT_BYTES,
  TOEPLITZ_MAX_KEY_BYTES,
  TOEPLITZ_MIN_KEY_BYTES,
  ToeplitzTable,
  toeplitzHash,
  toeplitzHashAt,
} from "../../src/hw/rss/toeplitz.js";
import {
  IPV4_VECTORS,
  IPV6_VECTORS,
  ipv4Bytes,
  ipv6Bytes,
  MS_VERIFICATION_KEY,
  portBytes,
  type RssVector,
  referenceToeplitz,
} from "./vectors.js";

const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

/** The published inputs: source address, destination address (, source port, dest port). */
function inputs(v: RssVector, addr: (text: string) => number[]) {
  const pair = [...addr(v.src), ...addr(v.dst)];
  const tuple = [...pair, ...portBytes(v.srcPort), ...portBytes(v.dstPort)];
  return { pair: Uint8Array.from(pair), tuple: Uint8Array.from(tuple) };
}

/**
 * `ToeplitzTable.hashTuple` of an RSS input (8, 12, 32 or 36 bytes: two addresses, then
 * maybe the ports), its fields laid apart in a larger array as a frame holds them, the
 * ports before the addresses.
 */
function tableHash(table: ToeplitzTable, input: Uint8Array): number {
  const a = input.length >= 32 ? 16 : 4;
  const hasPorts = input.length > 2 * a;
  const frame = new Uint8Array(input.length + 24).fill(0xa5);
  const portsAt = 1;
  const srcAt = 7;
  const dstAt = srcAt + a + 5;
  frame.set(input.subarray(0, a), srcAt);
  frame.set(input.subarray(a, 2 * a), dstAt);
  if (hasPorts) frame.set(input.subarray(2 * a), portsAt);
  return table.hashTuple(frame, srcAt, dstAt, a, hasPorts ? portsAt : -1);
}

/** Every form of the hash, for one key and an RSS input (8, 12, 32 or 36 bytes). */
function allForms(key: Uint8Array, input: Uint8Array): number[] {
  const padded = new Uint8Array(input.length + 7).fill(0xa5);
  padded.set(input, 3);
  return [
    toeplitzHash(key, input),
    toeplitzHashAt(key, padded, 3, input.length),
    tableHash(new ToeplitzTable(key), input),
  ];
}

describe("Toeplitz: Microsoft's verification vectors", () => {
  const cases = [
    ...IPV4_VECTORS.map((v) => ({ family: "IPv4", v, ...inputs(v, ipv4Bytes) })),
    ...IPV6_VECTORS.map((v) => ({ family: "IPv6", v, ...inputs(v, ipv6Bytes) })),
  ];

  it.each(cases)("$family $v.src:$v.srcPort -> $v.dst:$v.dstPort", ({ v, pair, tuple }) => {
    expect(allForms(MS_VERIFICATION_KEY, pair).map(hex)).toEqual(Array(3).fill(hex(v.addrHash)));
    expect(allForms(MS_VERIFICATION_KEY, tuple).map(hex)).toEqual(Array(3).fill(hex(v.tupleHash)));
    // The oracle the properties rely on agrees with the published numbers too.
    expect(hex(referenceToeplitz(MS_VERIFICATION_KEY, pair))).toBe(hex(v.addrHash));
    expect(hex(referenceToeplitz(MS_VERIFICATION_KEY, tuple))).toBe(hex(v.tupleHash));
  });

  it("the input lengths are 8, 12, 32 and 36 bytes", () => {
    const v4 = inputs(IPV4_VECTORS[0]!, ipv4Bytes);
    const v6 = inputs(IPV6_VECTORS[0]!, ipv6Bytes);
    expect([v4.pair.length, v4.tuple.length, v6.pair.length, v6.tuple.length]).toEqual([
      8, 12, 32, 36,
    ]);
  });

  it("destination-first input does not give the published hash (the order matters)", () => {
    const v = IPV4_VECTORS[0]!;
    const swapped = Uint8Array.from([...ipv4Bytes(v.dst), ...ipv4Bytes(v.src)]);
    expect(toeplitzHash(MS_VERIFICATION_KEY, swapped)).not.toBe(v.addrHash);
  });
});

const keyArb = fc
  .integer({ min: TOEPLITZ_MIN_KEY_BYTES, max: TOEPLITZ_MAX_KEY_BYTES })
  .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const inputArb = fc.uint8Array({ minLength: 0, maxLength: RSS_MAX_INPUT_BYTES });
/** RSS inputs: IPv4 or IPv6 address pairs, with or without the ports. */
const rssInputArb = fc
  .constantFrom(8, 12, 32, 36)
  .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const padArb = fc.uint8Array({ maxLength: 8 });

describe("Toeplitz: every form equals the bit-by-bit definition", () => {
  it("for random keys (40..52 bytes) and inputs (0..36 bytes) at random offsets", () => {
    fc.assert(
      fc.property(keyArb, inputArb, padArb, padArb, (key, input, before, after) => {
        const bytes = Uint8Array.from([...before, ...input, ...after]);
        const expected = referenceToeplitz(key, input);
        expect(toeplitzHash(key, input)).toBe(expected);
        expect(toeplitzHashAt(key, bytes, before.length, input.length)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("the table's hashTuple, for random keys and RSS inputs read from random offsets", () => {
    const frameLen = 64;
    fc.assert(
      fc.property(
        keyArb,
        fc.uint8Array({ minLength: frameLen, maxLength: frameLen }),
        fc.constantFrom(4, 16),
        fc.integer({ min: 0, max: frameLen - 16 }),
        fc.integer({ min: 0, max: frameLen - 16 }),
        fc.option(fc.integer({ min: 0, max: frameLen - 4 }), { nil: -1 }),
        (key, frame, a, srcAt, dstAt, portsAt) => {
          const input = [...frame.subarray(srcAt, srcAt + a), ...frame.subarray(dstAt, dstAt + a)];
          if (portsAt !== -1) input.push(...frame.subarray(portsAt, portsAt + 4));
          const hash = new ToeplitzTable(key).hashTuple(frame, srcAt, dstAt, a, portsAt);
          expect(hash).toBe(referenceToeplitz(key, input));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a table rebuilt by setKey forgets the old key", () => {
    fc.assert(
      fc.property(keyArb, keyArb, rssInputArb, (oldKey, newKey, input) => {
        const table = new ToeplitzTable(oldKey);
        table.setKey(newKey);
        expect(tableHash(table, input)).toBe(referenceToeplitz(newKey, input));
      }),
      { numRuns: 100 },
    );
  });

  it("inputs up to the key's length less 4 (48 bytes with a 52-byte key)", () => {
    fc.assert(
      fc.property(
        keyArb.chain((key) =>
          fc.tuple(fc.constant(key), fc.uint8Array({ maxLength: key.length - 4 })),
        ),
        ([key, input]) => {
          expect(toeplitzHash(key, input)).toBe(referenceToeplitz(key, input));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("only the first input length + 4 key bytes matter", () => {
    fc.assert(
      fc.property(keyArb, inputArb, keyArb, (key, input, other) => {
        const n = input.length + 4;
        const mixed = Uint8Array.from([...key.subarray(0, n), ...other.subarray(n)]);
        expect(toeplitzHash(mixed, input)).toBe(toeplitzHash(key, input));
        expect(toeplitzHash(key.subarray(0, n), input)).toBe(toeplitzHash(key, input));
      }),
      { numRuns: 100 },
    );
  });

  it("all-ones and single-bit inputs against the definition", () => {
    const key = MS_VERIFICATION_KEY;
    // IPv6 and IPv4 with ports (the table hashes IPv4 unrolled).
    for (const length of [RSS_MAX_INPUT_BYTES, 12]) {
      for (let bit = 0; bit < length * 8; bit++) {
        const input = new Uint8Array(length);
        input[bit >> 3] = 0x80 >> (bit & 7);
        expect(allForms(key, input)).toEqual(Array(3).fill(referenceToeplitz(key, input)));
      }
      const ones = new Uint8Array(length).fill(0xff);
      expect(allForms(key, ones)).toEqual(Array(3).fill(referenceToeplitz(key, ones)));
    }
    expect(toeplitzHash(key, new Uint8Array(0))).toBe(0);
  });
});

describe("Toeplitz: refusals", () => {
  it("a key shorter than the input length + 4", () => {
    expect(() => toeplitzHash(new Uint8Array(11), new Uint8Array(8))).toThrow(RangeError);
    expect(toeplitzHash(new Uint8Array(12), new Uint8Array(8))).toBe(0);
  });

  it("a span outside the array", () => {
    const key = MS_VERIFICATION_KEY;
    expect(() => toeplitzHashAt(key, new Uint8Array(8), 1, 8)).toThrow(RangeError);
    expect(() => toeplitzHashAt(key, new Uint8Array(8), -1, 2)).toThrow(RangeError);
  });

  it("table keys outside 40..52 bytes", () => {
    expect(() => new ToeplitzTable(new Uint8Array(39))).toThrow(RangeError);
    expect(() => new ToeplitzTable(new Uint8Array(53))).toThrow(RangeError);
    const table = new ToeplitzTable(MS_VERIFICATION_KEY);
    expect(() => table.setKey(new Uint8Array(53))).toThrow(RangeError);
  });
});
