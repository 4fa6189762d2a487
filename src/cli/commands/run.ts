import { MAX_DURATION_MS } from "../../sim/scenario/parse-scenario.js";
import { VMQ_POLICY_NAMES } from "../../switch/vmq/vmq-policy.js";
import { choice, onePositional, parseArgs, positiveMs } from "../args.js";
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
  const policy = choice("run", args, "policy", VMQ_POLICY_NAMES);
  const durationMs = positiveMs("run", args, "duration-ms", MAX_DURATION_MS);
  const pcapPath = args.values.get("pcap");
  const output = outputOptions(args);
  checkOutputPaths(output.outDir, pcapPath);

  const scenario = loadScenarioArg(target);
  const policies = [policy ?? scenario.policy.vmq];
  const summaries = await runPolicies(io, scenario, policies, { pcapPath, durationMs });
  printResults(io, scenarioInfo(scenario, durationMs), summaries, output);
  return 0;
}
