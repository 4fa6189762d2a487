import type { Ticks } from "../../kernel/ticks.js";
import { TICKS_PER_MS } from "../../kernel/ticks.js";
import {
  DEFAULT_DYNAMIC_VMQ_INTERVAL_MS,
  DEFAULT_DYNAMIC_VMQ_PARAMS,
  type DynamicVmqParams,
  validateDynamicVmqParams,
} from "../policy/dynamic-vmq.js";
import { type ProcessorSetOptions, resolveProcessorSet } from "../policy/processor-set.js";

/**
 * How receive queues are handed out and placed:
 * - `none`: no VMQ; every frame arrives in the default queue, on the home processor.
 * - `static`: a queue per vNIC while queues last, each on a processor chosen round robin
 *   over the set when it is created, for good (Windows Server 2008 R2).
 * - `dynamic`: the same queues, all starting on the home processor, moved between
 *   processors by measured load (Windows Server 2012's dynamic VMQ; `dynamic-vmq.ts`).
 */
export type VmqPolicyName = "none" | "static" | "dynamic";

export const VMQ_POLICY_NAMES: readonly VmqPolicyName[] = ["none", "static", "dynamic"];

/** The VMQ part of a switch's configuration. */
export interface VmqOptions {
  readonly policy: VmqPolicyName;
  /** The processors queues may use; `processors` is filled from the host when omitted. */
  readonly processorSet?: Omit<ProcessorSetOptions, "processors">;
  /** Dynamic VMQ's thresholds and counts (defaults: DEFAULT_DYNAMIC_VMQ_PARAMS). */
  readonly dynamic?: Partial<DynamicVmqParams>;
  /** Dynamic VMQ's measurement interval; default 100 ms. */
  readonly intervalTicks?: Ticks;
  /** The most VMQ queues the switch asks for (default: as many as the driver gives). */
  readonly maxQueues?: number;
}

/** The options resolved against the host's processor count; throws a RangeError if bad. */
export function resolveVmqOptions(options: VmqOptions, processors: number) {
  const set = resolveProcessorSet({ ...options.processorSet, processors });
  const dynamic = { ...DEFAULT_DYNAMIC_VMQ_PARAMS, ...options.dynamic };
  const problem = validateDynamicVmqParams(dynamic);
  if (problem !== null) throw new RangeError(`dynamic: ${problem}`);
  const intervalTicks = options.intervalTicks ?? DEFAULT_DYNAMIC_VMQ_INTERVAL_MS * TICKS_PER_MS;
  if (!Number.isSafeInteger(intervalTicks) || intervalTicks <= 0) {
    throw new RangeError(`intervalTicks: ${intervalTicks} must be a positive integer`);
  }
  const maxQueues = options.maxQueues ?? Number.POSITIVE_INFINITY;
  if (!(maxQueues >= 0)) throw new RangeError(`maxQueues: ${maxQueues} must be >= 0`);
  return { policy: options.policy, set, dynamic, intervalTicks, maxQueues };
}

export type ResolvedVmqOptions = ReturnType<typeof resolveVmqOptions>;
