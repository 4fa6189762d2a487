import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { looksLikeStackTrace, scenarioFolder, spawnCli } from "./cli-harness.js";

const dir = scenarioFolder();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each bad call, the exit status it must give and what its message must say. */
const CASES: readonly { args: string[]; status: number; says: RegExp[] }[] = [
  { args: [], status: 2, says: [/Usage:/] },
  { args: ["frobnicate"], status: 2, says: [/unknown command 'frobnicate'/] },
  { args: ["run"], status: 2, says: [/run: missing SCENARIO/] },
  { args: ["compare"], status: 2, says: [/compare: missing SCENARIO/] },
  { args: ["run", "scenario.json", "--bogus"], status: 2, says: [/unknown option '--bogus'/] },
  { args: ["compare", "scenario.json", "-x"], status: 2, says: [/unknown option '-x'/] },
  {
    args: ["run", "scenario.json", "--policy", "fast"],
    status: 2,
    says: [/--policy must be one of none, static, dynamic/, /'fast'/],
  },
  { args: ["run", "scenario.json", "--policy"], status: 2, says: [/'--policy' needs a value/] },
  { args: ["run", "scenario.json", "--out", "--json"], status: 2, says: [/'--out' needs a value/] },
  {
    args: ["compare", "scenario.json", "--duration-ms", "0"],
    status: 2,
    says: [/--duration-ms must be a positive number of milliseconds up to 60000 \(got '0'\)/],
  },
  {
    args: ["run", "scenario.json", "--duration-ms=1e6"],
    status: 2,
    says: [/--duration-ms must be .* up to 60000 \(got '1e6'\)/],
  },
  {
    args: ["run", "scenario.json", "--json", "--json"],
    status: 2,
    says: [/'--json' given twice/],
  },
  { args: ["compare", "scenario.json", "--pcap", "x.pcap"], status: 2, says: [/'--pcap'/] },
  { args: ["run", "scenario.json", "extra"], status: 2, says: [/unexpected argument 'extra'/] },
  {
    args: ["run", "missing.json"],
    status: 1,
    says: [/scenario 'missing.json' not found/, /built-in/],
  },
  { args: ["compare", "."], status: 1, says: [/is a directory/] },
  {
    args: ["run", "bad.json"],
    status: 1,
    says: [/bad\.json/, /host\.processors/, /"four"/, /vms\[0\]\.vlan/, /5000/],
  },
  { args: ["compare", "broken.json"], status: 1, says: [/broken\.json/, /line \d+, column \d+/] },
  {
    args: ["run", "scenario.json", "--out", "scenario.json"],
    status: 1,
    says: [/--out: 'scenario.json' exists and is not a directory/],
  },
  {
    args: ["run", "scenario.json", "--pcap", join("no", "such", "x.pcap")],
    status: 1,
    says: [/--pcap: folder '.*' does not exist/],
  },
];

// Each case is its own child process: run them side by side.
describe.concurrent("the CLI on bad arguments and bad scenarios", () => {
  it.each(CASES)(
    "nicsim $args exits $status with a clear message",
    async ({ args, status, says }) => {
      const result = await spawnCli(args, dir);
      expect(result.status).toBe(status);
      for (const pattern of says) expect(result.stderr + result.stdout).toMatch(pattern);
      expect(looksLikeStackTrace(result.stderr), result.stderr).toBe(false);
      if (status === 2 && args.length > 0) expect(result.stderr).toContain("nicsim --help");
      if (args.length > 0) expect(result.stdout).toBe("");
    },
  );

  it.each([["run"], ["compare"]])("nicsim %s --help prints its usage and exits 0", async (cmd) => {
    const result = await spawnCli([cmd, "--help"], dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Usage: nicsim ${cmd} SCENARIO`);
    expect(result.stdout).toContain("--duration-ms");
    expect(result.stdout).toContain("--out DIR");
  });
});
