import { MAX_DURATION_MS } from "../../sim/scenario/parse-scenario.js";
import { VMQ_POLICY_NAMES } from "../../switch/vmq/vmq-policy.js";
import { onePositional, parseArgs, positiveMs } from "../args.js";
import {
  type CommandIo,
  checkOutputPaths,
  outputOptions,
  printResults,
  runPolicies,
  scenarioInfo,
} from "../results.js";
import { loadScenarioArg } from "../scenario-arg.js";

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
  const summaries = await runPolicies(io, scenario, VMQ_POLICY_NAMES, { durationMs });
  printResults(io, scenarioInfo(scenario, durationMs), summaries, output);
  return 0;
}
