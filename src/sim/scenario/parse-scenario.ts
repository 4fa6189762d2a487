import { readFileSync } from "node:fs";
import { resolveProcessorSet } from "../../switch/policy/processor-set.js";
import { describe, integer, issueText, list, ObjectReader, text } from "./decode.js";
import { parseJsonText } from "./json-text.js";
import { lineRateIssues } from "./line-rate.js";
import { resolveFlows } from "./resolve-flows.js";
import { resolveVms } from "./resolve-vms.js";
import type { Scenario, ScenarioHost, ScenarioPolicy } from "./scenario.js";
import { ScenarioError } from "./scenario-error.js";
import { DEFAULT_NIC, hostSection, nicSection } from "./schema-host-nic.js";
import { DEFAULT_POLICY, policySection, switchCostsSection } from "./schema-policy.js";
import { trafficSection } from "./schema-traffic.js";
import { vmEntry } from "./schema-vms.js";

/** The longest run a scenario may ask for (a minute of simulated time is hours of wall time). */
export const MAX_DURATION_MS = 60_000;
/** The most VMs a scenario may have. */
export const MAX_VMS = 1024;

/**
 * Reads and validates a scenario file. Throws a ScenarioError listing every problem: a file
 * that cannot be read, a JSON syntax error (with its line and column), or content that is not
 * a valid scenario (each issue naming the field, the value found and what was expected).
 */
export function loadScenario(path: string): Scenario {
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (e) {
    const reason = e instanceof Error && "code" in e ? `${String(e.code)}` : String(e);
    throw new ScenarioError([`cannot read the file (${reason})`], path);
  }
  const parsed = parseJsonText(source);
  if (!parsed.ok) {
    const issues = parsed.issues.map((i) => `line ${i.line}, column ${i.column}: ${i.message}`);
    throw new ScenarioError(issues, path);
  }
  return parseScenario(parsed.value, path);
}

/** Validates a scenario already parsed from JSON, filling in defaults; throws a ScenarioError. */
export function parseScenario(json: unknown, source?: string): Scenario {
  const issues: string[] = [];
  const scenario = decodeScenario(json, issues, source);
  if (scenario === undefined || issues.length > 0) {
    throw new ScenarioError(issues.length > 0 ? issues : ["not a valid scenario"], source);
  }
  return scenario;
}

function decodeScenario(json: unknown, issues: string[], source?: string): Scenario | undefined {
  const o = ObjectReader.of(json, "", issues, "a JSON object (a scenario)");
  if (o === undefined) return undefined;
  const name = o.required("name", text(100), "the scenario's name");
  const desc = o.optional("description", text(4000));
  const seed = o.optional("seed", integer(0, 0xffff_ffff));
  const durationMs = o.required(
    "durationMs",
    integer(1, MAX_DURATION_MS, " (ms)"),
    `the run's length: an integer 1..${MAX_DURATION_MS} (ms)`,
  );
  const host = o.required("host", hostSection, "an object with processors");
  const nic = o.optional("nic", nicSection);
  const vms = o.required("vms", list(vmEntry, 1, MAX_VMS), "a list of VMs");
  const traffic = o.required("traffic", trafficSection, "an object with flows");
  const policy = o.optional("policy", policySection);
  const switchCosts = o.optional("switchCosts", switchCostsSection);
  if (!o.finish()) return undefined;
  if (name === undefined || durationMs === undefined || host === undefined) return undefined;
  if (vms === undefined || traffic === undefined) return undefined;
  const resolvedPolicy = policy ?? DEFAULT_POLICY;
  checkProcessors(host, resolvedPolicy, issues);
  const resolvedSeed = seed ?? 1;
  const context = { processors: host.processors, durationMs, seed: resolvedSeed };
  const resolvedVms = resolveVms(vms, context, issues);
  const resolvedNic = nic ?? DEFAULT_NIC;
  const { flows, wireLoads } = resolveFlows(traffic.flows, resolvedVms, durationMs, issues);
  if (issues.length === 0) issues.push(...lineRateIssues(wireLoads, resolvedNic.linkSpeedGbps));
  return {
    name,
    description: desc ?? "",
    seed: resolvedSeed,
    durationMs,
    host,
    nic: resolvedNic,
    vms: resolvedVms,
    traffic: { flows },
    policy: resolvedPolicy,
    switchCosts: switchCosts ?? {},
    ...(source !== undefined ? { source } : {}),
  };
}

/** The processor set against the host: inside it, and on whole cores with hyper-threading. */
function checkProcessors(host: ScenarioHost, policy: ScenarioPolicy, issues: string[]): void {
  const set = policy.processorSet;
  const n = host.processors;
  if (host.hyperThreading && n % 2 !== 0) {
    issues.push(
      issueText(
        "host.processors",
        describe(n),
        "an even count with hyperThreading (two threads per core)",
      ),
    );
    return;
  }
  if (set.baseProcessor !== undefined && set.baseProcessor >= n) {
    issues.push(
      issueText(
        "policy.processorSet.baseProcessor",
        describe(set.baseProcessor),
        `a processor 0..${n - 1} (host.processors is ${n})`,
      ),
    );
    return;
  }
  try {
    resolveProcessorSet({ ...set, processors: n, hyperThreading: host.hyperThreading });
  } catch (e) {
    issues.push(`policy.processorSet: ${e instanceof Error ? e.message : String(e)}`);
  }
}
