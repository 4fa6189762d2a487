import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";

/** The built CLI: the suite runs after `npm run build` (see package.json's test script). */
export const CLI = fileURLToPath(new URL("../../dist/src/cli/main.js", import.meta.url));

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI in a child process, as a user would (exit status and both streams). */
export function spawnCli(args: readonly string[], cwd: string): Promise<CliResult> {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run 'npm run build' before the CLI tests`);
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, encoding: "utf8" },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

/** Runs the CLI in this process (the sources, no build needed), capturing its lines. */
export async function runCli(
  args: readonly string[],
  progress: { isTTY?: boolean; columns?: number; write(text: string): unknown } | null = null,
): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(
    args,
    (l) => out.push(l),
    (l) => err.push(l),
    progress,
  );
  return { status, stdout: out.join("\n"), stderr: err.join("\n") };
}

/**
 * A small valid scenario: 4 processors, 3 VMs, wire traffic that shifts from one VM to
 * another halfway, a VM-to-VM flow. `policy.vmq` is static, so `run` without --policy
 * runs static.
 */
export const SMALL_SCENARIO = {
  name: "cli-test",
  description: "Three VMs; the load moves from a to b at 10 ms; a sends to b.",
  durationMs: 20,
  seed: 5,
  host: { processors: 4 },
  vms: [{ name: "a" }, { name: "b" }, { name: "c" }],
  traffic: {
    flows: [
      {
        from: "wire",
        to: "a",
        ip: 4,
        l4: "udp",
        connections: 2,
        phases: [
          { atMs: 0, untilMs: 10, rateGbps: 3, frameBytes: 1500 },
          { atMs: 10, rateGbps: 0.5, frameBytes: 1500 },
        ],
      },
      {
        from: "wire",
        to: "b",
        ip: 6,
        l4: "tcp",
        phases: [
          { atMs: 0, untilMs: 10, rateGbps: 0.5, frameBytes: 1500 },
          { atMs: 10, rateGbps: 3, frameBytes: 1500 },
        ],
      },
      {
        from: "wire",
        to: "c",
        ip: 4,
        l4: "udp",
        phases: [{ atMs: 0, rateGbps: 1, frameBytes: 512 }],
      },
      {
        from: "a",
        to: "b",
        ip: 4,
        l4: "udp",
        phases: [{ atMs: 2, framesPerSecond: 20_000, frameBytes: 256 }],
      },
    ],
  },
  policy: { vmq: "static" },
};

/** A fresh folder holding the small scenario as scenario.json, and a bad and a broken one. */
export function scenarioFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "nicsim-cli-"));
  writeFileSync(join(dir, "scenario.json"), JSON.stringify(SMALL_SCENARIO, null, 2));
  const bad = {
    ...SMALL_SCENARIO,
    host: { processors: "four" },
    vms: [{ name: "a", vlan: 5000 }],
    traffic: { flows: [] },
  };
  writeFileSync(join(dir, "bad.json"), JSON.stringify(bad));
  writeFileSync(join(dir, "broken.json"), '{ "name": "cut short",\n');
  return dir;
}

/** True when the text shows a stack trace or an uncaught error's name. */
export function looksLikeStackTrace(text: string): boolean {
  return /\n\s+at \S+.*:\d+:\d+|^\s*at |node:internal|\b(Type|Range|Reference)Error\b|Uncaught/m.test(
    text,
  );
}
