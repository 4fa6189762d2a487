import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  formatDecimal,
  formatInteger,
  formatMs,
  formatNsAsUs,
  formatPercent,
} from "../../src/report/format.js";

/** Groups of three digits from the right, every group but the first exactly three. */
const GROUPED = /^-?\d{1,3}(,\d{3})*(\.\d+)?$/;

describe("number formatting", () => {
  test.prop([fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 })])(
    "an integer keeps its digits, grouped by three",
    (n) => {
      const s = formatInteger(n);
      expect(s).toMatch(GROUPED);
      expect(s.replaceAll(",", "")).toBe(String(n));
    },
  );

  test.prop([fc.double({ min: -1e15, max: 1e15, noNaN: true }), fc.integer({ min: 0, max: 4 })])(
    "a decimal is toFixed's digits, grouped, with no negative zero",
    (n, digits) => {
      const s = formatDecimal(n, digits);
      expect(s).toMatch(GROUPED);
      const fixed = n.toFixed(digits);
      const expected = /^-0(\.0*)?$/.test(fixed) ? fixed.slice(1) : fixed;
      expect(s.replaceAll(",", "")).toBe(expected);
    },
  );

  test("examples", () => {
    expect(formatInteger(1234567)).toBe("1,234,567");
    expect(formatInteger(999)).toBe("999");
    expect(formatDecimal(12345.678, 2)).toBe("12,345.68");
    expect(formatPercent(0.2034)).toBe("20.3");
    expect(formatPercent(1)).toBe("100.0");
    expect(formatNsAsUs(17_301.5)).toBe("17.3");
    expect(formatNsAsUs(null)).toBe("-");
    expect(formatMs(250)).toBe("250 ms");
    expect(formatMs(1500)).toBe("1.5 s");
    expect(formatMs(0.5)).toBe("0.5 ms");
    expect(formatMs(2000)).toBe("2 s");
  });
});
