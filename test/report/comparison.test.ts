import { describe, expect, it } from "vitest";
import { comparisonRows, dropReasons, runsJson } from "../../src/report/index.js";
import { samplesOf, syntheticSummary } from "./fixtures.js";

const samples = samplesOf([{ 0: 0 }]);
const none = syntheticSummary("none", samples, {
  dropped: { "nic-missed": 7, "nic-no-descriptor": 3 },
  droppedTotal: 10,
});
const stat = syntheticSummary("static", samples, {
  dropped: { "port-queue-full": 2, "nic-missed": 0 },
  droppedTotal: 2,
});

describe("the comparison rows", () => {
  const rows = comparisonRows([none, stat]);
  const row = (label: string) => rows.find((r) => r.label === label);

  it("have one value per run, in the runs' order", () => {
    for (const r of rows) expect(r.values).toHaveLength(2);
    expect(row("frames dropped")?.values).toEqual(["10", "2"]);
    expect(row("interrupts per second")?.values).toEqual(["12,345", "12,345"]);
  });

  it("list each drop reason any run counted, once, sorted, under the total", () => {
    const reasons = rows.filter((r) => r.label.startsWith("dropped: "));
    expect(reasons.map((r) => r.label)).toEqual([
      "dropped: nic-missed",
      "dropped: nic-no-descriptor",
      "dropped: port-queue-full",
    ]);
    expect(reasons.every((r) => r.detail)).toBe(true);
    expect(reasons.map((r) => r.values)).toEqual([
      ["7", "0"],
      ["3", "0"],
      ["0", "2"],
    ]);
    const total = rows.findIndex((r) => r.label === "frames dropped");
    expect(rows.indexOf(reasons[0]!)).toBe(total + 1);
    expect(dropReasons([none, stat])).toEqual([
      "nic-missed",
      "nic-no-descriptor",
      "port-queue-full",
    ]);
  });

  it("have a utilisation row per processor, in percent", () => {
    expect(row("cpu0 utilisation (%)")?.values).toEqual(["10.0", "10.0"]);
    expect(row("cpu1 utilisation (%)")?.values).toEqual(["20.0", "20.0"]);
    expect(row("cpu2 utilisation (%)")).toBeUndefined();
  });

  it("show latency in microseconds and leave out in-flight frames when there are none", () => {
    expect(row("receive latency p50 (us)")?.values).toEqual(["12.0", "12.0"]);
    expect(row("receive latency p99 (us)")?.values).toEqual(["48.0", "48.0"]);
    expect(rows.some((r) => r.label.includes("in flight"))).toBe(false);
  });
});

describe("the JSON form", () => {
  const scenario = { name: "s", description: "d", durationMs: 30, seed: 1 };

  it("carries the keys the issue names, and no time series unless asked", () => {
    const json = runsJson(scenario, [none, stat]);
    expect(json.scenario).toEqual(scenario);
    for (const p of json.policies) {
      for (const key of [
        "policy",
        "injected",
        "delivered",
        "dropped",
        "interruptsPerSecond",
        "processorUtilization",
        "processorsUsed",
        "latencyNs",
        "queueMoves",
      ]) {
        expect(p).toHaveProperty(key);
      }
      expect(p).not.toHaveProperty("samples");
    }
    expect(json.policies[1]!.dropped).toEqual({ "nic-missed": 0, "port-queue-full": 2 });
    const full = runsJson(scenario, [none], true);
    expect(full.policies[0]!.samples).toBe(none.samples);
  });

  it("writes drop reasons in sorted order, so the text is stable", () => {
    const text = JSON.stringify(runsJson(scenario, [stat]));
    expect(text.indexOf("nic-missed")).toBeLessThan(text.indexOf("port-queue-full"));
  });
});
