/**
 * Dynamic VMQ's parameters and state: plain, immutable data (immer), so that a step is a
 * pure function and snapshots can be stored as JSON. The step itself is in
 * dynamic-vmq.ts, the decisions it makes in dynamic-vmq-plan.ts.
 */

import { freeze, produce } from "immer";

/** The measurement interval we default to (the caller runs the clock). */
export const DEFAULT_DYNAMIC_VMQ_INTERVAL_MS = 100;

/** `lastMoveInterval` of a queue that never moved (a large negative, JSON-friendly). */
export const NEVER_MOVED = Number.MIN_SAFE_INTEGER;

export interface DynamicVmqParams {
  /** Spread when a processor's load is above this (fraction of one processor). */
  readonly upperThreshold: number;
  /** Pack when a processor's load is below this. */
  readonly lowerThreshold: number;
  /** Packing never takes a target above this load. */
  readonly packingCeiling: number;
  /** Consecutive intervals above the upper threshold before spreading. */
  readonly upIntervals: number;
  /** Consecutive intervals below the lower threshold before packing. */
  readonly downIntervals: number;
  /** Intervals a moved queue waits before it may move again. */
  readonly cooldownIntervals: number;
  /** EWMA weight of the new sample, in (0, 1]. */
  readonly ewmaWeight: number;
}

export const DEFAULT_DYNAMIC_VMQ_PARAMS: DynamicVmqParams = Object.freeze({
  upperThreshold: 0.8,
  lowerThreshold: 0.3,
  packingCeiling: 0.6,
  upIntervals: 2,
  downIntervals: 5,
  cooldownIntervals: 3,
  ewmaWeight: 0.5,
});

export type QueueMoveReason = "spread" | "pack" | "outside-set";

export interface QueueMove {
  readonly queue: number;
  readonly from: number;
  readonly to: number;
  /**
   * "spread" relieves an over-loaded processor, "pack" empties an under-loaded one, and
   * "outside-set" brings back a queue whose processor is no longer in the set.
   */
  readonly reason: QueueMoveReason;
}

export interface VmqQueueState {
  readonly processor: number;
  /** Smoothed load, as a fraction of one processor. */
  readonly load: number;
  /** False until the first sample arrives, which is then taken as is. */
  readonly sampled: boolean;
  /** Interval of the last move, or {@link NEVER_MOVED}. */
  readonly lastMoveInterval: number;
}

export interface ProcessorCounters {
  /** Consecutive intervals above the upper threshold. */
  readonly over: number;
  /** Consecutive intervals below the lower threshold. */
  readonly under: number;
}

export interface DynamicVmqState {
  /** Number of steps taken; the next step decides for this interval. */
  readonly interval: number;
  readonly queues: Readonly<Record<number, VmqQueueState>>;
  /** Kept for the processors of the last set and those carrying queues. */
  readonly processors: Readonly<Record<number, ProcessorCounters>>;
}

export interface DynamicVmqMeasurement {
  /** Each queue's load over the interval; a queue missing here measured 0 (it was idle). */
  readonly queueLoads: Readonly<Record<number, number>>;
  /** Per-processor work not belonging to queues, taken as is (not smoothed); default 0. */
  readonly otherLoads?: Readonly<Record<number, number>>;
}

export interface DynamicVmqStepResult {
  readonly state: DynamicVmqState;
  readonly moves: readonly QueueMove[];
}

/** Returns null when the parameters are usable, else a message naming the parameter. */
export function validateDynamicVmqParams(p: DynamicVmqParams): string | null {
  for (const name of [
    "upperThreshold",
    "lowerThreshold",
    "packingCeiling",
    "ewmaWeight",
  ] as const) {
    if (!Number.isFinite(p[name])) return `${name} must be a finite number (got ${p[name]})`;
  }
  if (p.lowerThreshold < 0) return `lowerThreshold must be >= 0 (got ${p.lowerThreshold})`;
  if (!(p.lowerThreshold < p.packingCeiling)) {
    return `lowerThreshold (${p.lowerThreshold}) must be below packingCeiling (${p.packingCeiling})`;
  }
  if (!(p.packingCeiling <= p.upperThreshold)) {
    return `packingCeiling (${p.packingCeiling}) must not exceed upperThreshold (${p.upperThreshold})`;
  }
  if (p.upperThreshold > 1) return `upperThreshold must be <= 1 (got ${p.upperThreshold})`;
  const counts = [
    ["upIntervals", 1],
    ["downIntervals", 1],
    ["cooldownIntervals", 0],
  ] as const;
  for (const [name, min] of counts) {
    if (!Number.isSafeInteger(p[name]) || p[name] < min) {
      return `${name} must be an integer >= ${min} (got ${p[name]})`;
    }
  }
  if (!(p.ewmaWeight > 0 && p.ewmaWeight <= 1)) {
    return `ewmaWeight must be in (0, 1] (got ${p.ewmaWeight})`;
  }
  return null;
}

export function initialDynamicVmqState(): DynamicVmqState {
  return freeze({ interval: 0, queues: {}, processors: {} }, true);
}

/** Adds a queue on a processor (all queues start on home in dynamic VMQ; the caller picks). */
export function addQueue(
  state: DynamicVmqState,
  queue: number,
  processor: number,
): DynamicVmqState {
  requireId("queue", queue);
  requireId("processor", processor);
  if (state.queues[queue] !== undefined) throw new RangeError(`queue ${queue} already present`);
  return produce(state, (draft) => {
    draft.queues[queue] = { processor, load: 0, sampled: false, lastMoveInterval: NEVER_MOVED };
  });
}

/** Removes a queue; removing an absent queue returns the state unchanged. */
export function removeQueue(state: DynamicVmqState, queue: number): DynamicVmqState {
  if (state.queues[queue] === undefined) return state;
  return produce(state, (draft) => {
    delete draft.queues[queue];
  });
}

/**
 * Forgets a queue's smoothed load, so that its next sample is taken as is (as a new
 * queue's first is); removing or missing queues leave the state unchanged. The caller
 * uses it after a move: the history describes the queue on its old processor, where it
 * shared interrupts with other queues or, if that processor was saturated, got only part
 * of the time it wanted, so averaging the first sample on the new processor with it
 * would make the queue look lighter than it is for several intervals.
 */
export function restartQueueLoad(state: DynamicVmqState, queue: number): DynamicVmqState {
  if (state.queues[queue] === undefined) return state;
  return produce(state, (draft) => {
    draft.queues[queue]!.sampled = false;
  });
}

export function idsOf(record: Readonly<Record<number, unknown>>): number[] {
  return Object.keys(record)
    .map(Number)
    .sort((a, b) => a - b);
}

export function requireId(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be an integer >= 0 (got ${value})`);
  }
}
