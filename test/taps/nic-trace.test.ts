import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { NicTrace } from "../../src/hw/taps/nic-trace.js";
import { NicHarness } from "../hw/nic-harness.js";

describe("bus trace", () => {
  it("records register accesses with instances and MSI-X messages in time order", () => {
    const h = new NicHarness({ queues: 4, vectors: 4 });
    const trace = new NicTrace(h.nic, h.scheduler, 100);
    h.write("SCRATCH", 0x1234);
    h.write("MSIXVCTRL", 0, 3);
    h.write("EIMS", 1 << 3);
    h.run(1000);
    h.write("EICS", 1 << 3); // a software-raised interrupt on vector 3
    h.run(100_000);
    const entries = trace.recent();
    expect(entries.map((e) => `${e.kind} ${e.what}`)).toEqual([
      "write SCRATCH",
      "write MSIXVCTRL[3]",
      "write EIMS",
      "write EICS",
      "msix vector 3",
    ]);
    expect(entries[0]!.value).toBe(0x1234);
    const ticks = entries.map((e) => e.atTicks);
    expect([...ticks].sort((a, b) => a - b)).toEqual(ticks);
    expect(trace.format()[4]).toMatch(/msix +vector 3/);
  });

  it("keeps only the last entries once full, counting all", () => {
    const h = new NicHarness({ queues: 1, vectors: 1 });
    const trace = new NicTrace(h.nic, h.scheduler, 3);
    for (let i = 0; i < 10; i++) h.write("SCRATCH", i);
    expect(trace.total).toBe(10);
    expect(trace.recent().map((e) => e.value)).toEqual([7, 8, 9]);
  });
});

describe("the demo", () => {
  it("runs, receives and sends through the rings, and prints a trace", () => {
    const lines: string[] = [];
    expect(main(["demo"], (l) => lines.push(l))).toBe(0);
    const text = lines.join("\n");
    expect(text).toContain("device found");
    expect(text).toMatch(/GPRC +16/);
    expect(text).toMatch(/GPTC +1/);
    expect(text).toMatch(/msix +vector 0/);
  });
});
