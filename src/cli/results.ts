import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { comparisonRows } from "../report/comparison.js";
import { runsJson, type ScenarioInfo, writeReport } from "../report/index.js";
import type { RunSummary } from "../sim/metrics/run-summary.js";
import { type RunOptions, runScenario, type Scenario } from "../sim/scenario/index.js";
import type { VmqPolicyName } from "../switch/vmq/vmq-policy.js";
import type { ParsedArgs } from "./args.js";
import type { ProgressBar } from "./progress-bar.js";
import { formatTextTable, wrapText } from "./text-table.js";

/** The scenario's description above the table is wrapped to this many columns. */
const DESCRIPTION_WIDTH = 88;

/** Where a command writes: lines on standard output and error, and a progress bar or none. */
export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly progress: ProgressBar | null;
  /** Named in the report's footer. */
  readonly generator: string;
}

/** The output options `run` and `compare` share. */
export interface OutputOptions {
  readonly json: boolean;
  readonly jsonFull: boolean;
  readonly outDir: string | undefined;
}

export function outputOptions(args: ParsedArgs): OutputOptions {
  return {
    json: args.flags.has("json") || args.flags.has("json-full"),
    jsonFull: args.flags.has("json-full"),
    outDir: args.values.get("out"),
  };
}

/**
 * Fails before a run when its output could not be written afterwards: `--out` naming a
 * file, `--pcap` in a folder that is not there. A long run should not end in that.
 */
export function checkOutputPaths(outDir: string | undefined, pcapPath?: string): void {
  if (outDir !== undefined && existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new Error(`--out: '${outDir}' exists and is not a directory`);
  }
  if (pcapPath !== undefined) {
    const folder = dirname(pcapPath);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new Error(`--pcap: folder '${folder}' does not exist`);
    }
  }
}

/**
 * Runs `scenario` under each of `policies` in turn, with the same seed, under one
 * progress bar; returns their summaries in that order.
 */
export async function runPolicies(
  io: CommandIo,
  scenario: Scenario,
  policies: readonly VmqPolicyName[],
  options: Omit<RunOptions, "onProgress">,
): Promise<RunSummary[]> {
  const summaries: RunSummary[] = [];
  try {
    for (const [i, policy] of policies.entries()) {
      const of = policies.length > 1 ? `, ${i + 1} of ${policies.length}` : "";
      const label = `${scenario.name} (${policy}${of})`;
      const onProgress = (fraction: number) =>
        io.progress?.update((i + fraction) / policies.length, label);
      summaries.push(await runScenario(scenario, policy, { ...options, onProgress }));
    }
  } finally {
    // Cleared on failure too, so the error message starts on a clean line.
    io.progress?.finish();
  }
  return summaries;
}

export function scenarioInfo(scenario: Scenario, durationMs: number | undefined): ScenarioInfo {
  return {
    name: scenario.name,
    description: scenario.description,
    durationMs: durationMs ?? scenario.durationMs,
    seed: scenario.seed,
  };
}

/** Prints the runs as a table or as JSON, and writes the report when asked. */
export function printResults(
  io: CommandIo,
  info: ScenarioInfo,
  summaries: readonly RunSummary[],
  options: OutputOptions,
): void {
  if (options.json) {
    io.out(JSON.stringify(runsJson(info, summaries, options.jsonFull), null, 2));
  } else {
    io.out(wrapText(`${info.name}: ${info.description}`, DESCRIPTION_WIDTH));
    io.out("");
    const header = ["", ...summaries.map((s) => s.policy)];
    io.out(formatTextTable(header, comparisonRows(summaries)));
  }
  if (options.outDir !== undefined) {
    const path = writeReport(options.outDir, {
      scenario: info,
      summaries,
      generator: io.generator,
    });
    io.err(`report written to ${path}`);
  }
}
