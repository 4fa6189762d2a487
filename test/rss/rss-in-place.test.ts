import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeRssHash,
  hashesPorts,
  L3Kind,
  L4Kind,
  RSS_HASH_ALL,
  RssHashResult,
} from "../../src/hw/rss/rss-input.js";
import { RSS_MAX_INPUT_BYTES, ToeplitzTable } from "../../src/hw/rss/toeplitz.js";
import { MS_VERIFICATION_KEY, referenceToeplitz } from "./vectors.js";

describe("RSS hash read in place (the device's path)", () => {
  it("hashTuple equals the bit-by-bit reference over the gathered input, for random keys, frames and fields", () => {
    const frameLen = 96;
    const table = new ToeplitzTable(MS_VERIFICATION_KEY);
    const scratch = new Uint8Array(RSS_MAX_INPUT_BYTES);
    const out = new RssHashResult();
    fc.assert(
      fc.property(
        fc
          .integer({ min: 40, max: 52 })
          .chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        fc.integer({ min: 0, max: RSS_HASH_ALL }),
        fc.uint8Array({ minLength: frameLen, maxLength: frameLen }),
        fc.record({
          l3Kind: fc.constantFrom(L3Kind.OTHER, L3Kind.IPV4, L3Kind.IPV6),
          isFragment: fc.boolean(),
          l4Kind: fc.constantFrom(L4Kind.OTHER, L4Kind.TCP, L4Kind.UDP),
          srcAddrOffset: fc.integer({ min: 0, max: frameLen - 16 }),
          dstAddrOffset: fc.integer({ min: 0, max: frameLen - 16 }),
          portsOffset: fc.integer({ min: 0, max: frameLen - 4 }),
        }),
        (key, flags, frame, shape) => {
          table.setKey(key);
          // The parser's facts: a TCP or UDP header holds the source port, then the destination.
          const facts = {
            ...shape,
            srcPortOffset: shape.portsOffset,
            dstPortOffset: shape.portsOffset + 2,
          };
          const type = computeRssHash(table, flags, frame, facts, scratch, out);
          if (type === 0) return;
          const addressBytes = shape.l3Kind === L3Kind.IPV4 ? 4 : 16;
          const ports = hashesPorts(type) ? shape.portsOffset : -1;
          const hash = table.hashTuple(
            frame,
            shape.srcAddrOffset,
            shape.dstAddrOffset,
            addressBytes,
            ports,
          );
          const input = [...scratch.subarray(0, hashInputLength(type))];
          expect(hash).toBe(referenceToeplitz(key, input));
          expect(hash).toBe(out.hash);
        },
      ),
      { numRuns: 400 },
    );
  });
});

/** Input bytes of an RSS type code: IPv4 pair 8, IPv4 4-tuple 12, IPv6 pair 32, IPv6 4-tuple 36. */
function hashInputLength(type: number): number {
  return ({ 1: 12, 2: 8, 3: 36, 5: 32, 7: 12, 8: 36 } as Record<number, number>)[type]!;
}
