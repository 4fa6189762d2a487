import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatTicks,
  isValidTicks,
  MAX_TICKS,
  msToTicks,
  nsToTicks,
  TICKS_PER_MS,
  TICKS_PER_NS,
  TICKS_PER_PS,
  TICKS_PER_SECOND,
  TICKS_PER_US,
  ticksToNs,
  ticksToSeconds,
  usToTicks,
} from "../../src/kernel/ticks.js";

describe("ticks", () => {
  it("one tick is one picosecond", () => {
    expect(TICKS_PER_PS).toBe(1);
    expect(TICKS_PER_NS).toBe(1_000);
    expect(TICKS_PER_US).toBe(1_000_000);
    expect(TICKS_PER_MS).toBe(1_000_000_000);
    expect(TICKS_PER_SECOND).toBe(1_000_000_000_000);
    expect(MAX_TICKS).toBe(2 ** 53 - 1);
    // "about 2.5 simulated hours"
    expect(MAX_TICKS / 1e12 / 3600).toBeGreaterThan(2.5);
    expect(MAX_TICKS / 1e12 / 3600).toBeLessThan(2.51);
  });

  it("converts ns, us and ms to whole ticks, rounding to nearest", () => {
    expect(nsToTicks(0)).toBe(0);
    expect(nsToTicks(1)).toBe(1_000);
    expect(nsToTicks(0.1)).toBe(100); // a 10 Gb/s bit
    expect(nsToTicks(6.4)).toBe(6_400); // a 156.25 MHz cycle
    expect(nsToTicks(0.3333)).toBe(333);
    expect(nsToTicks(0.0004)).toBe(0);
    expect(nsToTicks(0.0006)).toBe(1);
    expect(nsToTicks(2.0004)).toBe(2_000);
    expect(nsToTicks(2.0006)).toBe(2_001);
    expect(usToTicks(1)).toBe(1_000_000);
    expect(usToTicks(12.345)).toBe(12_345_000);
    expect(usToTicks(0.0000004)).toBe(0);
    expect(usToTicks(0.0000006)).toBe(1);
    expect(msToTicks(1)).toBe(1_000_000_000);
    expect(msToTicks(1.5)).toBe(1_500_000_000);
    expect(msToTicks(7_200_000)).toBe(7_200_000_000_000_000); // two hours
  });

  it("converts ticks to ns and seconds", () => {
    expect(ticksToNs(0)).toBe(0);
    expect(ticksToNs(1)).toBe(0.001);
    expect(ticksToNs(1_500)).toBe(1.5);
    expect(ticksToNs(6_400)).toBe(6.4);
    expect(ticksToSeconds(1_000_000_000_000)).toBe(1);
    expect(ticksToSeconds(2_500_000_000_000)).toBe(2.5);
    expect(ticksToSeconds(1_000_000)).toBe(1e-6);
  });

  it("ns -> ticks -> ns round-trips whole ticks", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 50 }), (t) => {
        expect(nsToTicks(ticksToNs(t))).toBe(t);
        expect(Number.isInteger(nsToTicks(ticksToNs(t)))).toBe(true);
      }),
    );
  });

  it("conversions always give whole ticks", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (x) => {
        for (const ticks of [nsToTicks(x), usToTicks(x), msToTicks(x)]) {
          expect(Number.isInteger(ticks)).toBe(true);
        }
        expect(Math.abs(nsToTicks(x) - x * 1_000)).toBeLessThanOrEqual(0.5 + 1e-6 * x);
      }),
    );
  });

  it("knows which values are valid tick counts", () => {
    for (const ok of [0, 1, 1_000, MAX_TICKS]) expect(isValidTicks(ok), String(ok)).toBe(true);
    for (const bad of [-1, 0.5, -0.5, 2 ** 53, Number.NaN, Infinity, -Infinity]) {
      expect(isValidTicks(bad), String(bad)).toBe(false);
    }
  });

  it("formats ticks for humans", () => {
    const cases: [number, string][] = [
      [0, "0 ps"],
      [1, "1 ps"],
      [999, "999 ps"],
      [1_000, "1 ns"],
      [1_500, "1.5 ns"],
      [3_000, "3 ns"],
      [6_400, "6.4 ns"],
      [1_234, "1.234 ns"],
      [999_999, "999.999 ns"],
      [1_000_000, "1 us"],
      [12_345_000, "12.345 us"],
      [1_234_567, "1.235 us"],
      [1_000_000_000, "1 ms"],
      [1_500_000_000, "1.5 ms"],
      [1_000_000_000_000, "1 s"],
      [2_500_000_000_000, "2.5 s"],
      [7_200_000_000_000_000, "7200 s"],
      [-1, "-1 ps"],
      [-1_500, "-1.5 ns"],
      [-12_345_000, "-12.345 us"],
    ];
    for (const [ticks, text] of cases) expect(formatTicks(ticks), String(ticks)).toBe(text);
  });
});

describe("formatTicks at unit boundaries", () => {
  it("moves to the next unit when rounding reaches 1000", () => {
    expect(formatTicks(999_999_999)).toBe("1 ms");
    expect(formatTicks(999_999_500)).toBe("1 ms");
    expect(formatTicks(999_999)).toBe("999.999 ns");
  });
});
