import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { formatTextTable, wrapText } from "../../src/cli/text-table.js";
import type { ComparisonRow } from "../../src/report/comparison.js";

const row = (label: string, values: string[], section = "a", detail = false): ComparisonRow => ({
  label,
  values,
  section,
  detail,
});

describe("the text table", () => {
  test("aligns labels left and values right, with a rule and blank lines between sections", () => {
    const text = formatTextTable(
      ["", "none", "static"],
      [
        row("frames", ["1,000", "12"]),
        row("dropped: x", ["3", "0"], "a", true),
        row("cpu0 (%)", ["100.0", "5.0"], "b"),
      ],
    );
    expect(text.split("\n")).toEqual([
      "               none  static",
      "---------------------------",
      "frames        1,000      12",
      "  dropped: x      3       0",
      "",
      "cpu0 (%)      100.0     5.0",
    ]);
  });

  test.prop([
    fc.array(
      fc.tuple(
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 9 }),
        fc.string({ maxLength: 9 }),
      ),
      {
        minLength: 1,
        maxLength: 8,
      },
    ),
  ])("every row is as wide as the header and ends with its last value", (rows) => {
    const clean = (s: string) => s.replace(/\s/g, "_");
    const table = formatTextTable(
      ["", "none", "dynamic"],
      rows.map(([l, a, b]) => row(clean(l), [clean(a), `${clean(b)}x`])),
    );
    const lines = table.split("\n");
    const width = Math.max(...lines.map((l) => l.length));
    for (const [i, [, , b]] of rows.entries()) {
      const line = lines[i + 2]!;
      expect(line.length).toBe(width);
      expect(line.endsWith(`${clean(b)}x`)).toBe(true);
    }
  });
});

describe("wrapping", () => {
  test.prop([
    fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { maxLength: 40 }),
    fc.integer({ min: 12, max: 90 }),
  ])("keeps every word in order and no line over the width", (words, width) => {
    const wrapped = wrapText(words.join(" "), width);
    expect(wrapped.split(/\s+/).filter((w) => w !== "")).toEqual(words);
    for (const line of wrapped.split("\n")) expect(line.length).toBeLessThanOrEqual(width);
  });
});
