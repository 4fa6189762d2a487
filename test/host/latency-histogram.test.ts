import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "../../src/host/latency-histogram.js";
import { exactPercentile } from "./reference.js";

describe("LatencyHistogram", () => {
  it("reports nearest-rank percentiles exactly below 256 and within 1/128 above", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 300 }),
            fc.integer({ min: 0, max: 10_000_000 }),
            fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          ),
          { minLength: 1, maxLength: 200 },
        ),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const h = new LatencyHistogram();
          for (const v of values) h.record(v);
          const exact = exactPercentile(values, q);
          const got = h.percentile(q)!;
          expect(got).toBeGreaterThanOrEqual(exact);
          if (exact < 256) expect(got).toBe(exact);
          else expect(got).toBeLessThanOrEqual(exact * (1 + LatencyHistogram.relativeError));
          expect(h.count).toBe(values.length);
          expect(h.minTicks).toBe(Math.min(...values));
          expect(h.maxTicks).toBe(Math.max(...values));
          expect(h.percentile(0)).toBe(h.minTicks);
          expect(h.percentile(1)).toBe(h.maxTicks);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is empty before the first sample and refuses q outside [0, 1]", () => {
    const h = new LatencyHistogram();
    expect(h.percentile(0.5)).toBeUndefined();
    expect(h.mean()).toBeUndefined();
    expect(() => h.percentile(1.5)).toThrow(RangeError);
    expect(() => h.percentile(Number.NaN)).toThrow(RangeError);
  });
});
