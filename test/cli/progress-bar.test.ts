import { describe, expect, it } from "vitest";
import { ProgressBar, progressBarFor } from "../../src/cli/progress-bar.js";

function terminal(columns?: number) {
  const writes: string[] = [];
  const stream = {
    isTTY: true,
    ...(columns !== undefined ? { columns } : {}),
    write: (t: string) => writes.push(t),
  };
  return { stream, writes };
}

describe("the progress bar", () => {
  it("is drawn only on a terminal", () => {
    expect(progressBarFor(null)).toBeNull();
    expect(progressBarFor({ isTTY: false, write: () => true })).toBeNull();
    expect(progressBarFor({ write: () => true })).toBeNull();
    expect(progressBarFor(terminal().stream)).toBeInstanceOf(ProgressBar);
  });

  it("redraws in place only when what it shows changes, and clears itself", () => {
    const { stream, writes } = terminal(100);
    const bar = new ProgressBar(stream);
    bar.update(0, "x");
    bar.update(0.001, "x"); // still 0 % and no new #: nothing to redraw
    bar.update(0.5, "x");
    bar.update(2, "x"); // clamped to 100 %
    expect(writes).toEqual([
      `\r[${".".repeat(30)}]   0% x`,
      `\r[${"#".repeat(15)}${".".repeat(15)}]  50% x`,
      `\r[${"#".repeat(30)}] 100% x`,
    ]);
    bar.finish();
    expect(writes.at(-1)).toBe(`\r${" ".repeat(39)}\r`);
  });

  it("fits a narrow terminal, and assumes 80 columns when the size is unknown", () => {
    const narrow = terminal(30);
    new ProgressBar(narrow.stream).update(0.5, "a long label");
    expect(narrow.writes[0]!.length - 1).toBeLessThanOrEqual(29);
    const unknown = terminal(0);
    new ProgressBar(unknown.stream).update(0.5, "x".repeat(100));
    expect(unknown.writes[0]!.length - 1).toBe(79);
  });
});
