/**
 * Adaptive interrupt moderation for one MSI-X vector: a hill climber in the manner of
 * Linux's net_dim, as a pure function over plain data.
 *
 * The switch resolves its policy once (`resolveModerationPolicy`: checked, defaults filled
 * in), then calls `dimStep` periodically per queue vector with the counts since its previous
 * call and, when the answer is `changed`, sends the driver
 * `{ kind: "set-moderation", vector, intervalUs }`. Nothing here is mutated; every call
 * returns a new state (or the same one when nothing happened).
 *
 * The climber, as in net_dim:
 * - Each decision looks at bytes, frames and interrupts per millisecond of one sample taken
 *   entirely at the current interval, and compares it with the sample before (the
 *   reference). A difference counts only when it is more than 10% of the reference. Bytes
 *   per ms decide first (more is better), then frames per ms (more is better), then
 *   interrupts per ms (fewer is better); otherwise the two are the "same".
 * - It keeps moving in one direction (right: a longer interval; left: a shorter one) while
 *   the samples get better (or stay the same: see Ties below), and turns around when one
 *   gets worse.
 * - It parks "on top" when it is back on a profile whose both neighbours it found worse
 *   (it arrived there moving one way, overshot by one, came back: net_dim's `dim_on_top`),
 *   or when it would step past either end of the profile. Parked on top, it keeps the sample
 *   it parked with as the reference and leaves only when a sample differs from it
 *   significantly (compares better or worse, by the rule above); it leaves moving left (to a
 *   shorter interval), or right from the first profile.
 * - After `tiredSteps` (10) profile steps without parking (or since it started) it parks
 *   "tired" instead of stepping again: it rests for `tiredSteps` decisions whatever the
 *   traffic does (the last of them leaves parking as above, with a step).
 *
 * Where this differs from net_dim:
 * - Profiles: net_dim's entries pair microseconds with a frame count for completion-queue
 *   moderation ((2,256) (8,128) (16,64) (32,64) (64,64) for RX). EITR has no frame-count
 *   threshold, so only the microseconds apply: [2, 8, 16, 32, 64] by default. The device
 *   holds EITR in 2.048 us units and the driver rounds (8 us becomes 8.192 us); the state
 *   and `changed` speak in the policy's own numbers.
 * - Sampling: net_dim runs from the interrupt handler every 64 interrupts. Here the switch
 *   samples on its own period; a sample with fewer than `minInterrupts` (default 64)
 *   interrupts is added to the pending counts in the state and no decision is taken (the
 *   interval stays) until the pending counts hold enough. Since the interval changes only at
 *   decisions, the pending counts were all taken at one interval. A sample with zero elapsed
 *   time, or with a negative or non-finite field, changes nothing: the same state returns.
 * - Idle: net_dim never runs on a silent queue. Here a sample without frames discards the
 *   pending counts (a silent stretch would dilute the rates) and, with `onIdle: "restart"`
 *   (the default), returns to the start profile with a fresh climber, so the next traffic,
 *   whatever it is, starts from the latency-friendly default rather than from where bulk
 *   traffic left the interval; with `onIdle: "hold"` the interval and climber stay.
 * - Start: net_dim's zeroed state starts parked with an empty reference, so its first
 *   decision leaves parking to the left. Here the climber starts at `startIndex` moving
 *   right with no reference; its first decision counts as better and steps right.
 * - Ties: net_dim turns on anything not better, so over a stretch of profiles the traffic
 *   cannot tell apart (say, one interrupt per frame at every interval up to 16 us) it
 *   bounces between two of them until it tires and never sees past the stretch. Here only a
 *   worse sample turns the climber; a "same" one lets it go on in its direction (better or
 *   same: the parking check `dim_on_top` applies to both), so it crosses such a stretch and
 *   either finds a better profile beyond it, turns on a worse one, or parks at the end.
 * - Arithmetic: rates are floating point per millisecond (net_dim: integer arithmetic).
 */

import { TICKS_PER_MS } from "../../kernel/ticks.js";
import type { ResolvedAdaptivePolicy, ResolvedModerationPolicy } from "./moderation-policy.js";

/** A difference counts when it is more than this fraction of the reference (net_dim: 10%). */
export const SIGNIFICANT_CHANGE = 0.1;

/** Counts for one vector since the previous sample. */
export interface VectorSample {
  /** Frames the vector's queues received (sends are not counted). */
  readonly frames: number;
  /** Bytes in those frames. */
  readonly bytes: number;
  /** MSI-X messages the vector sent. */
  readonly interrupts: number;
  /** Time the counts cover, in ticks (1 tick = 1 ps). */
  readonly elapsedTicks: number;
}

/** A sample as rates per millisecond. */
export interface DimRates {
  readonly bytesPerMs: number;
  readonly framesPerMs: number;
  readonly interruptsPerMs: number;
}

/** What the climber is doing: net_dim's tune states. */
export type DimTune = "going-right" | "going-left" | "parked-on-top" | "parked-tired";

/** How a sample compares with the reference. */
export type DimComparison = "better" | "same" | "worse";

/** One vector's moderation state: plain data. */
export interface DimState {
  /** The interval the state stands for, in microseconds (what the vector should run with). */
  readonly intervalUs: number;
  /** Index of `intervalUs` in the adaptive profile; -1 under a fixed policy. */
  readonly profileIndex: number;
  readonly tune: DimTune;
  /** Consecutive steps right since the climber last turned left or parked. */
  readonly stepsRight: number;
  /** Consecutive steps left since the climber last turned right or parked. */
  readonly stepsLeft: number;
  /** Profile steps since the climber started or last parked; at `tiredSteps` it parks tired. */
  readonly steps: number;
  /** Decisions left to rest while parked tired; 0 otherwise. */
  readonly restLeft: number;
  /** The sample the next decision compares with (while parked on top: the parked one). */
  readonly reference: DimRates | null;
  /** Counts since the last decision, too few interrupts for one yet. */
  readonly pending: VectorSample;
}

export interface DimStepResult {
  readonly state: DimState;
  /** The interval the vector should run with, in microseconds. */
  readonly intervalUs: number;
  /** True when `intervalUs` differs from the one the input state stood for. */
  readonly changed: boolean;
}

const NO_COUNTS: VectorSample = Object.freeze({
  frames: 0,
  bytes: 0,
  interrupts: 0,
  elapsedTicks: 0,
});

/** The state a vector starts with under `policy`. */
export function initialDimState(policy: ResolvedModerationPolicy): DimState {
  const fresh = {
    tune: "going-right",
    stepsRight: 0,
    stepsLeft: 0,
    steps: 0,
    restLeft: 0,
    reference: null,
    pending: NO_COUNTS,
  } as const;
  if (policy.kind === "fixed") return { ...fresh, intervalUs: policy.intervalUs, profileIndex: -1 };
  const start = policy.startIndex;
  return { ...fresh, intervalUs: policy.profileUs[start]!, profileIndex: start };
}

/** A sample's counts as rates per millisecond (`elapsedTicks` must be positive). */
export function ratesOf(sample: VectorSample): DimRates {
  const perMs = TICKS_PER_MS / sample.elapsedTicks;
  return {
    bytesPerMs: sample.bytes * perMs,
    framesPerMs: sample.frames * perMs,
    interruptsPerMs: sample.interrupts * perMs,
  };
}

/** True when `value` differs from the non-zero `reference` by more than 10% of it. */
function significant(value: number, reference: number): boolean {
  return Math.abs(value - reference) > SIGNIFICANT_CHANGE * reference;
}

/**
 * How `current` compares with `reference` (null: no reference yet, which counts as better):
 * bytes per ms first, then frames per ms (more is better), then interrupts per ms (fewer is
 * better), each only when the difference is more than 10% of the reference. As in net_dim, a
 * zero reference rate cannot be compared by ratio: any traffic beats zero bytes or frames,
 * and zero interrupts leaves the result "same".
 */
export function compareRates(current: DimRates, reference: DimRates | null): DimComparison {
  if (reference === null) return "better";
  if (reference.bytesPerMs === 0) return current.bytesPerMs > 0 ? "better" : "same";
  if (significant(current.bytesPerMs, reference.bytesPerMs)) {
    return current.bytesPerMs > reference.bytesPerMs ? "better" : "worse";
  }
  if (reference.framesPerMs === 0) return current.framesPerMs > 0 ? "better" : "same";
  if (significant(current.framesPerMs, reference.framesPerMs)) {
    return current.framesPerMs > reference.framesPerMs ? "better" : "worse";
  }
  if (reference.interruptsPerMs === 0) return "same";
  if (significant(current.interruptsPerMs, reference.interruptsPerMs)) {
    return current.interruptsPerMs < reference.interruptsPerMs ? "better" : "worse";
  }
  return "same";
}

function usableSample(s: VectorSample): boolean {
  return [s.frames, s.bytes, s.interrupts, s.elapsedTicks].every(
    (v) => typeof v === "number" && Number.isFinite(v) && v >= 0,
  );
}

/** True when `state` is a climber's state on `r`'s profile (not a fixed policy's, nor another profile's). */
function onProfile(state: DimState, r: ResolvedAdaptivePolicy): boolean {
  const i = state.profileIndex;
  return Number.isInteger(i) && i >= 0 && r.profileUs[i] === state.intervalUs;
}

function parkOnTop(s: DimState): DimState {
  return { ...s, tune: "parked-on-top", stepsRight: 0, stepsLeft: 0, steps: 0, restLeft: 0 };
}

function parkTired(s: DimState, r: ResolvedAdaptivePolicy): DimState {
  return {
    ...s,
    tune: "parked-tired",
    stepsRight: 0,
    stepsLeft: 0,
    steps: 0,
    restLeft: r.tiredSteps,
  };
}

function turn(s: DimState): DimState {
  return s.tune === "going-right"
    ? { ...s, tune: "going-left", stepsLeft: 0 }
    : { ...s, tune: "going-right", stepsRight: 0 };
}

/** net_dim's `dim_on_top`: back on a profile after overshooting it by one, moving the other way. */
function onTop(s: DimState): boolean {
  return s.tune === "going-right"
    ? s.stepsLeft > 1 && s.stepsRight === 1
    : s.stepsRight > 1 && s.stepsLeft === 1;
}

/** One profile step in the climber's direction, or parking (tired first, then at an edge). */
function advance(s: DimState, r: ResolvedAdaptivePolicy): DimState {
  if (s.steps >= r.tiredSteps) return parkTired(s, r);
  const right = s.tune === "going-right";
  const index = s.profileIndex + (right ? 1 : -1);
  const intervalUs = r.profileUs[index];
  if (intervalUs === undefined) return parkOnTop(s);
  return {
    ...s,
    profileIndex: index,
    intervalUs,
    steps: s.steps + 1,
    stepsRight: right ? s.stepsRight + 1 : s.stepsRight,
    stepsLeft: right ? s.stepsLeft : s.stepsLeft + 1,
  };
}

function leaveParking(s: DimState, r: ResolvedAdaptivePolicy): DimState {
  const tune = s.profileIndex > 0 ? "going-left" : "going-right";
  return advance({ ...s, tune, restLeft: 0 }, r);
}

/** One decision on a full sample (`s.pending` already emptied). */
function decide(s: DimState, current: DimRates, r: ResolvedAdaptivePolicy): DimState {
  switch (s.tune) {
    case "parked-on-top":
      // The parked sample stays the reference until traffic moves away from it.
      if (compareRates(current, s.reference) === "same") return s;
      return leaveParking({ ...s, reference: current }, r);
    case "parked-tired":
      if (s.restLeft > 1) return { ...s, restLeft: s.restLeft - 1, reference: current };
      return leaveParking({ ...s, reference: current }, r);
    case "going-right":
    case "going-left": {
      const result = compareRates(current, s.reference);
      const next = { ...s, reference: current };
      if (result === "worse") return advance(turn(next), r);
      return onTop(next) ? parkOnTop(next) : advance(next, r);
    }
  }
}

function addCounts(a: VectorSample, b: VectorSample): VectorSample {
  return {
    frames: a.frames + b.frames,
    bytes: a.bytes + b.bytes,
    interrupts: a.interrupts + b.interrupts,
    elapsedTicks: a.elapsedTicks + b.elapsedTicks,
  };
}

function answer(before: DimState, after: DimState): DimStepResult {
  return {
    state: after,
    intervalUs: after.intervalUs,
    changed: after.intervalUs !== before.intervalUs,
  };
}

/**
 * Feeds one vector's `sample` (counts since the previous call) to its moderation `state`
 * under `policy`; returns the next state and the interval the vector should run with.
 *
 * - Fixed policy: always its interval.
 * - Adaptive policy: see the module comment. A state that is not on the policy's profile
 *   (a fixed policy's, or another profile's: the policy changed) restarts from
 *   `initialDimState(policy)` before the sample is applied.
 */
export function dimStep(
  state: DimState,
  sample: VectorSample,
  policy: ResolvedModerationPolicy,
): DimStepResult {
  if (policy.kind === "fixed") {
    const same = state.profileIndex === -1 && state.intervalUs === policy.intervalUs;
    return answer(state, same ? state : initialDimState(policy));
  }
  const base = onProfile(state, policy) ? state : initialDimState(policy);
  if (!usableSample(sample) || sample.elapsedTicks === 0) return answer(state, base);
  if (sample.frames === 0) {
    const idle =
      policy.onIdle === "restart" ? initialDimState(policy) : { ...base, pending: NO_COUNTS };
    return answer(state, idle);
  }
  const pending = addCounts(base.pending, sample);
  if (pending.interrupts < policy.minInterrupts) return answer(state, { ...base, pending });
  return answer(state, decide({ ...base, pending: NO_COUNTS }, ratesOf(pending), policy));
}
