import { MAX_PROCESSORS } from "../../host/interrupt-controller.js";
import { EITR_MAX_INTERVAL_US } from "../../hw/regs/map/interrupts.js";
import {
  type AdaptivePolicy,
  type ModerationPolicy,
  moderationPolicyProblem,
} from "../../switch/moderation/moderation-policy.js";
import {
  DEFAULT_DYNAMIC_VMQ_INTERVAL_MS,
  DEFAULT_DYNAMIC_VMQ_PARAMS,
  type DynamicVmqParams,
  validateDynamicVmqParams,
} from "../../switch/policy/dynamic-vmq.js";
import type { SwitchCostModel } from "../../switch/switch-costs.js";
import { VMQ_POLICY_NAMES, type VmqPolicyName } from "../../switch/vmq/vmq-policy.js";
import { type Decoder, integer, issueText, list, number, ObjectReader, oneOf } from "./decode.js";
import type { ScenarioPolicy } from "./scenario.js";
import { overrides } from "./schema-host-nic.js";

const intervalUs = number(0, EITR_MAX_INTERVAL_US, { unit: " (us)" });

const moderation: Decoder<ModerationPolicy> = (value, path, issues) => {
  const o = ObjectReader.of(value, path, issues, 'an object with kind "fixed" or "adaptive"');
  if (o === undefined) return undefined;
  const kind = o.required("kind", oneOf(["fixed", "adaptive"] as const), '"fixed" or "adaptive"');
  let policy: ModerationPolicy | undefined;
  if (kind === "fixed") {
    const us = o.required("intervalUs", intervalUs, "the interval in microseconds");
    if (us !== undefined) policy = { kind, intervalUs: us };
  } else if (kind === "adaptive") {
    const profileUs = o.optional("profileUs", list(intervalUs, 1, 32));
    const startIndex = o.optional("startIndex", integer(0, 31));
    const minInterrupts = o.optional("minInterrupts", integer(1, 1_000_000));
    const tiredSteps = o.optional("tiredSteps", integer(1, 1_000_000));
    const onIdle = o.optional("onIdle", oneOf(["restart", "hold"] as const));
    const adaptive: AdaptivePolicy = {
      kind,
      ...(profileUs !== undefined ? { profileUs } : {}),
      ...(startIndex !== undefined ? { startIndex } : {}),
      ...(minInterrupts !== undefined ? { minInterrupts } : {}),
      ...(tiredSteps !== undefined ? { tiredSteps } : {}),
      ...(onIdle !== undefined ? { onIdle } : {}),
    };
    policy = adaptive;
  }
  if (!o.finish() || policy === undefined) return undefined;
  // What one field cannot say (an increasing profile, a start index inside it).
  const problem = moderationPolicyProblem(policy);
  if (problem !== null) {
    issues.push(moderationIssue(path, problem));
    return undefined;
  }
  return policy;
};

/** moderationPolicyProblem's "field value: expectation" as "path.field: value — expected ...". */
function moderationIssue(path: string, problem: string): string {
  const m = /^(\S+) (.*?): (.*)$/.exec(problem);
  if (m === null) return `${path}: ${problem}`;
  return issueText(`${path}.${m[1]!}`, m[2]!, m[3]!);
}

const fraction = number(0, 1);
const dynamic: Decoder<Partial<DynamicVmqParams>> = (value, path, issues) => {
  const o = ObjectReader.of(value, path, issues, "an object of dynamic VMQ parameters");
  if (o === undefined) return undefined;
  const counts = integer(1, 1000, " (intervals)");
  const read = {
    upperThreshold: o.optional("upperThreshold", fraction),
    lowerThreshold: o.optional("lowerThreshold", fraction),
    packingCeiling: o.optional("packingCeiling", fraction),
    upIntervals: o.optional("upIntervals", counts),
    downIntervals: o.optional("downIntervals", counts),
    cooldownIntervals: o.optional("cooldownIntervals", integer(0, 1000, " (intervals)")),
    ewmaWeight: o.optional("ewmaWeight", number(0, 1, { minExclusive: true })),
  };
  if (!o.finish()) return undefined;
  const out: Partial<Record<keyof DynamicVmqParams, number>> = {};
  for (const [key, v] of Object.entries(read)) {
    if (v !== undefined) out[key as keyof DynamicVmqParams] = v;
  }
  // The thresholds' order (lower < ceiling <= upper), with the defaults filled in.
  const problem = validateDynamicVmqParams({ ...DEFAULT_DYNAMIC_VMQ_PARAMS, ...out });
  if (problem !== null) {
    issues.push(`${path}: ${problem} (defaults: ${JSON.stringify(DEFAULT_DYNAMIC_VMQ_PARAMS)})`);
    return undefined;
  }
  return out;
};

const processorSet: Decoder<ScenarioPolicy["processorSet"]> = (value, path, issues) => {
  const o = ObjectReader.of(value, path, issues, "an object with baseProcessor, maxProcessors...");
  if (o === undefined) return undefined;
  const baseProcessor = o.optional("baseProcessor", integer(0, MAX_PROCESSORS - 1));
  const maxProcessors = o.optional("maxProcessors", integer(1, MAX_PROCESSORS));
  const numaNodeSize = o.optional("numaNodeSize", integer(1, MAX_PROCESSORS));
  if (!o.finish()) return undefined;
  return {
    ...(baseProcessor !== undefined ? { baseProcessor } : {}),
    ...(maxProcessors !== undefined ? { maxProcessors } : {}),
    ...(numaNodeSize !== undefined ? { numaNodeSize } : {}),
  };
};

export const policySection: Decoder<ScenarioPolicy> = (value, path, issues) => {
  const o = ObjectReader.of(value, path, issues, "an object with vmq, processorSet...");
  if (o === undefined) return undefined;
  const vmq = o.optional("vmq", oneOf<VmqPolicyName>(VMQ_POLICY_NAMES));
  const set = o.optional("processorSet", processorSet);
  const params = o.optional("dynamic", dynamic);
  const intervalMs = o.optional("intervalMs", number(0, 10_000, { minExclusive: true }));
  const mod = o.optional("moderation", moderation);
  if (!o.finish()) return undefined;
  return {
    vmq: vmq ?? "dynamic",
    processorSet: set ?? {},
    dynamic: params ?? {},
    intervalMs: intervalMs ?? DEFAULT_DYNAMIC_VMQ_INTERVAL_MS,
    ...(mod !== undefined ? { moderation: mod } : {}),
  };
};

/** The policy section when the file has none. */
export const DEFAULT_POLICY: ScenarioPolicy = Object.freeze({
  vmq: "dynamic",
  processorSet: {},
  dynamic: {},
  intervalMs: DEFAULT_DYNAMIC_VMQ_INTERVAL_MS,
});

const SWITCH_COST_KEYS: readonly (keyof SwitchCostModel)[] = [
  "lookupCycles",
  "vmqFrameCycles",
  "copyByteCycles",
  "batchCycles",
];

export const switchCostsSection = overrides(SWITCH_COST_KEYS);
