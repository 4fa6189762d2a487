import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, externalReferences, nestingProblems } from "../report/html-check.js";
import { runCli, SMALL_SCENARIO, scenarioFolder, spawnCli } from "./cli-harness.js";

const dir = scenarioFolder();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);
const POLICIES = ["none", "static", "dynamic"];
const PROCESSORS = SMALL_SCENARIO.host.processors;

/** Every key the issue asks `--json` to carry per policy, with the type it must have. */
const REQUIRED_KEYS = {
  policy: "string",
  injected: "number",
  delivered: "number",
  dropped: "object",
  interruptsPerSecond: "number",
  processorUtilization: "object",
  processorsUsed: "number",
  latencyNs: "object",
  queueMoves: "number",
  throughputGbps: "number",
  framesPerInterrupt: "number",
  outOfOrder: "number",
} as const;

interface PolicyResult {
  readonly policy: string;
  readonly injected: number;
  readonly delivered: number;
  readonly dropped: Record<string, number>;
  readonly droppedTotal: number;
  readonly inFlight: number;
  readonly processorUtilization: number[];
  readonly processorsUsed: number;
  readonly latencyNs: { p50: number | null; p99: number | null };
  readonly samples?: unknown;
}

/** The checks every policy's JSON must pass: keys, types, and every frame accounted for. */
function expectConsistent(p: PolicyResult): void {
  for (const [key, type] of Object.entries(REQUIRED_KEYS)) {
    expect(typeof (p as unknown as Record<string, unknown>)[key], `${p.policy}.${key}`).toBe(type);
  }
  expect(p.inFlight).toBe(0);
  expect(p.injected).toBeGreaterThan(0);
  expect(p.delivered).toBeGreaterThan(0);
  expect(p.processorUtilization).toHaveLength(PROCESSORS);
  for (const u of p.processorUtilization) expect(u).toBeGreaterThanOrEqual(0);
  for (const u of p.processorUtilization) expect(u).toBeLessThanOrEqual(1);
  expect(p.processorsUsed).toBeGreaterThanOrEqual(1);
  expect(p.processorsUsed).toBeLessThanOrEqual(PROCESSORS);
  expect(p.latencyNs.p50).toBeGreaterThan(0);
  expect(p.latencyNs.p99).toBeGreaterThanOrEqual(p.latencyNs.p50!);
  expect(p).not.toHaveProperty("samples");
}

describe("nicsim compare (the built CLI, as a child process)", () => {
  let result = { status: -1, stdout: "", stderr: "" };
  beforeAll(async () => {
    result = await spawnCli(
      ["compare", "scenario.json", "--json", "--duration-ms", "15", "--out", "out"],
      dir,
    );
  });

  it("prints JSON with the scenario and the three policies in order, each consistent", () => {
    expect(result.status, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.scenario).toMatchObject({ name: "cli-test", durationMs: 15, seed: 5 });
    expect(json.policies.map((p: PolicyResult) => p.policy)).toEqual(POLICIES);
    for (const p of json.policies) expectConsistent(p);
  });

  it("draws no progress bar when standard error is not a terminal, and says where the report is", () => {
    expect(result.stderr).not.toMatch(/\r|\[#|\[\./);
    expect(result.stderr.trim()).toBe(`report written to ${join("out", "report.html")}`);
  });

  it("writes a well-formed, self-contained report with every policy's charts", () => {
    const html = readFileSync(at(join("out", "report.html")), "utf8");
    expect(nestingProblems(html)).toEqual([]);
    expect(externalReferences(html)).toEqual([]);
    expect(count(html, '<table class="comparison">')).toBe(1);
    for (const policy of POLICIES) {
      for (const chart of ["utilisation", "queues", "interrupts", "latency"]) {
        expect(html).toContain(`<figure data-chart="${chart}" data-policy="${policy}">`);
      }
    }
  });
});

describe("nicsim run and compare (in this process)", () => {
  it("run uses the scenario's policy by default and prints one consistent policy", async () => {
    const r = await runCli(["run", at("scenario.json"), "--json", "--duration-ms", "10"]);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.policies).toHaveLength(1);
    expect(json.policies[0].policy).toBe(SMALL_SCENARIO.policy.vmq);
    expectConsistent(json.policies[0]);
  });

  it("run --policy --pcap --json-full: that policy, a capture file, and the samples", async () => {
    const pcap = at("run.pcap");
    const r = await runCli([
      "run",
      at("scenario.json"),
      "--policy=none",
      "--pcap",
      pcap,
      "--json-full",
      "--duration-ms",
      "5",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const policy = JSON.parse(r.stdout).policies[0];
    expect(policy.policy).toBe("none");
    expect(Array.isArray(policy.samples)).toBe(true);
    expect(Array.isArray(policy.moves)).toBe(true);
    // A pcap file starts with its magic number (either byte order, micro- or nanoseconds).
    const magic = readFileSync(pcap).readUInt32LE(0);
    expect([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1]).toContain(magic);
  });

  it("compare prints the side-by-side table: a column per policy, a row per drop reason", async () => {
    const r = await runCli(["compare", at("scenario.json"), "--duration-ms", "10"]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    const header = lines.find((l) => /none\s+static\s+dynamic/.test(l));
    expect(header).toBeDefined();
    const row = (label: string) => lines.find((l) => l.startsWith(label));
    for (const label of [
      "receive throughput (Gb/s)",
      "frames injected",
      "frames delivered",
      "frames dropped",
      "interrupts per second",
      "processors used",
      "receive latency p50 (us)",
      "receive latency p99 (us)",
      "queue moves",
      "frames per interrupt",
      "out-of-order frames",
    ]) {
      const line = row(label);
      expect(line, label).toBeDefined();
      expect(line!.slice(label.length).trim().split(/\s+/), label).toHaveLength(3);
    }
    for (let p = 0; p < PROCESSORS; p++) expect(row(`cpu${p} utilisation (%)`)).toBeDefined();
    // Right-aligned: every row with three values ends in the same column as the header.
    const width = header!.length;
    for (const l of lines.filter((l) => /\d$/.test(l))) expect(l.length).toBe(width);
    const json = JSON.parse(
      (await runCli(["compare", at("scenario.json"), "--json", "--duration-ms", "10"])).stdout,
    );
    const reasons = new Set(json.policies.flatMap((p: PolicyResult) => Object.keys(p.dropped)));
    expect(reasons.size, "the scenario overloads one processor under no VMQ").toBeGreaterThan(0);
    const reasonRows = lines.filter((l) => l.trimStart().startsWith("dropped: "));
    expect(reasonRows.map((l) => l.trim().split(/\s+/)[1]).sort()).toEqual([...reasons].sort());
  });

  it("takes a built-in scenario by name, and lists the built-ins when a name is unknown", async () => {
    const r = await runCli(["run", "shifting-load", "--json", "--duration-ms", "5"]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).scenario.name).toBe("shifting-load");
    const missing = await runCli(["compare", "no-such-scenario"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/not found.*built-in: .*shifting-load/s);
  });

  it("draws a progress bar on a terminal and clears it at the end", async () => {
    const writes: string[] = [];
    const tty = { isTTY: true, columns: 100, write: (t: string) => writes.push(t) };
    const r = await runCli(["run", at("scenario.json"), "--json", "--duration-ms", "5"], tty);
    expect(r.status, r.stderr).toBe(0);
    expect(writes.length).toBeGreaterThan(2);
    expect(writes.some((w) => w.includes("100% cli-test"))).toBe(true);
    expect(writes[writes.length - 1]).toMatch(/^\r +\r$/);
    JSON.parse(r.stdout); // the bar never mixes into standard output
  });

  it("writes the same report bytes for the same scenario and seed", async () => {
    const args = (out: string) => [
      "compare",
      at("scenario.json"),
      "--duration-ms",
      "10",
      "--out",
      out,
    ];
    expect((await runCli(args(at("a")))).status).toBe(0);
    expect((await runCli(args(at("b")))).status).toBe(0);
    const a = readFileSync(at(join("a", "report.html")));
    expect(existsSync(at(join("b", "report.html")))).toBe(true);
    expect(readFileSync(at(join("b", "report.html"))).equals(a)).toBe(true);
  });
});
