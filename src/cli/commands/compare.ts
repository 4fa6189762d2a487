import type { RunSummary } from "../../sim/metrics/run-summary.js";
import { runScenario } from "../../sim/scenario/index.js";
import { MAX_DURATION_MS } from "../../sim/scenario/parse-scenario.js";
import { onePositional, parseArgs, positiveMs } from "../args.js";
import {
  type CommandIo,
  checkOutputPaths,
  outputOptions,
  printResults,
  scenarioInfo,
} from "../results.js";
import { loadScenarioArg } from "../scenario-arg.js";
import { POLICIES } from "./run.js";

const OPTIONS = {
  out: "value",
  json: "flag",
  "json-full": "flag",
  "duration-ms": "value",
} as const;

/**
 * `nicsim compare SCENARIO`: the scenario under no VMQ, static and dynamic VMQ, one after
 * the other with the same seed, side by side.
 */
export async function runCompare(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs("compare", argv, OPTIONS);
  const target = onePositional("compare", args, "SCENARIO (a scenario file or a built-in name)");
  const durationMs = positiveMs("compare", args, "duration-ms", MAX_DURATION_MS);
  const output = outputOptions(args);
  checkOutputPaths(output.outDir);

  const scenario = loadScenarioArg(target);
  const summaries: RunSummary[] = [];
  try {
    for (const [i, policy] of POLICIES.entries()) {
      const label = `${scenario.name} (${policy}, ${i + 1} of ${POLICIES.length})`;
      const onProgress = (fraction: number) =>
        io.progress?.update((i + fraction) / POLICIES.length, label);
      const options = { onProgress, ...(durationMs !== undefined ? { durationMs } : {}) };
      summaries.push(await runScenario(scenario, policy, options));
    }
  } finally {
    // Cleared on failure too, so the error message starts on a clean line.
    io.progress?.finish();
  }
  printResults(io, scenarioInfo(scenario, durationMs), summaries, output);
  return 0;
}
