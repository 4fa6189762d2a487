import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { L3Kind, L4Kind, RSS_HASH_ALL, selectRssType } from "../../src/hw/rss/rss-input.js";
import { ToeplitzTable } from "../../src/hw/rss/toeplitz.js";
import { hashInPlace, oracle, oracleInput } from "./rss-oracle.js";
import { MS_VERIFICATION_KEY, referenceToeplitz } from "./vectors.js";

describe("RSS hash read in place (the device's path)", () => {
  it("equals the oracle's choice and the bit-by-bit hash of its gathered input, for random keys, frames and fields", () => {
    const frameLen = 96;
    // One table reused across runs, as the device reuses it.
    const table = new ToeplitzTable(MS_VERIFICATION_KEY);
    fc.assert(
      fc.property(
        fc
          .integer({ min: 40, max: 52 })
          .chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        fc.integer({ min: 0, max: RSS_HASH_ALL }),
        fc.uint8Array({ minLength: frameLen, maxLength: frameLen }),
        fc.record({
          l3Kind: fc.constantFrom(L3Kind.OTHER, L3Kind.IPV4, L3Kind.IPV6, 7),
          isFragment: fc.boolean(),
          l4Kind: fc.constantFrom(L4Kind.OTHER, L4Kind.TCP, L4Kind.UDP, 9),
          srcAddrOffset: fc.integer({ min: 0, max: frameLen - 16 }),
          dstAddrOffset: fc.integer({ min: 0, max: frameLen - 16 }),
          portsOffset: fc.integer({ min: 0, max: frameLen - 4 }),
        }),
        (key, flags, frame, facts) => {
          table.setKey(key);
          const e = oracle(flags, facts.l3Kind, facts.isFragment, facts.l4Kind);
          const type = selectRssType(flags, facts.l3Kind, facts.isFragment, facts.l4Kind);
          expect(type).toBe(e.type);
          const expected =
            e.input === "none" ? 0 : referenceToeplitz(key, oracleInput(e, frame, facts));
          expect(hashInPlace(table, type, frame, facts)).toBe(expected);
        },
      ),
      { numRuns: 400 },
    );
  });
});
