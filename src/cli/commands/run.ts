import type { RunSummary } from "../../sim/metrics/run-summary.js";
import { runScenario } from "../../sim/scenario/index.js";
import { MAX_DURATION_MS } from "../../sim/scenario/parse-scenario.js";
import { choice, onePositional, parseArgs, positiveMs } from "../args.js";
import {
  type CommandIo,
  checkOutputPaths,
  outputOptions,
  printResults,
  scenarioInfo,
} from "../results.js";
import { loadScenarioArg } from "../scenario-arg.js";

export const POLICIES = ["none", "static", "dynamic"] as const;

const OPTIONS = {
  policy: "value",
  out: "value",
  pcap: "value",
  json: "flag",
  "json-full": "flag",
  "duration-ms": "value",
} as const;

/** `nicsim run SCENARIO`: one run under one policy, summarised. */
export async function runRun(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs("run", argv, OPTIONS);
  const target = onePositional("run", args, "SCENARIO (a scenario file or a built-in name)");
  const policy = choice("run", args, "policy", POLICIES);
  const durationMs = positiveMs("run", args, "duration-ms", MAX_DURATION_MS);
  const pcapPath = args.values.get("pcap");
  const output = outputOptions(args);
  checkOutputPaths(output.outDir, pcapPath);

  const scenario = loadScenarioArg(target);
  const chosen = policy ?? scenario.policy.vmq;
  const label = `${scenario.name} (${chosen})`;
  let summary: RunSummary;
  try {
    summary = await runScenario(scenario, chosen, {
      onProgress: (fraction) => io.progress?.update(fraction, label),
      ...(pcapPath !== undefined ? { pcapPath } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
    });
  } finally {
    // Cleared on failure too, so the error message starts on a clean line.
    io.progress?.finish();
  }
  printResults(io, scenarioInfo(scenario, durationMs), [summary], output);
  return 0;
}
