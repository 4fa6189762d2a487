/**
 * Dynamic VMQ as a pure function: once per measurement interval,
 * `(state, measured loads) -> (state', moves)`. The caller measures, calls
 * {@link dynamicVmqStep}, and sends one set-queue-processor request per move.
 *
 * The algorithm follows Microsoft's patent US 8,984,526 ("Dynamic Processor Mapping for
 * Virtual Machine Network Traffic Queues"): processors above an upper threshold spread
 * their heaviest queues to the closest processor that stays at or under the threshold;
 * processors below a lower threshold pack their queues back onto the home processor or
 * another processor in use, under a packing ceiling. Thresholds, interval counts, cooldown
 * and smoothing are our own defaults (no numbers were published).
 *
 * One step, in order:
 *  1. Smooth each queue's measured load (EWMA; a queue's first sample is taken as is).
 *  2. Processor load = sum of its queues' smoothed loads + the processor's other load.
 *  3. Count consecutive intervals above the upper / below the lower threshold.
 *  4. Relocate queues whose processor left the set ("outside-set").
 *  5. Spread from over-loaded processors ("spread").
 *  6. Pack from under-loaded processors ("pack").
 *  7. Restart the counters of every processor that gave or received a queue, since its past
 *     intervals no longer describe the queues it now carries.
 *
 * Processors and queues are visited in ascending number and every tie goes to the lower
 * number, so a step is deterministic. Loads are updated as moves are decided, so two moves
 * never overload one target.
 */

import { type Draft, freeze, produce } from "immer";
import { closestProcessors, numaNodeOf, type ProcessorSet } from "./processor-set.js";

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

/** The static policy: allocation i goes to the i-th processor of the set, round robin. */
export function staticProcessorFor(set: ProcessorSet, allocationIndex: number): number {
  requireId("allocationIndex", allocationIndex);
  return set.processors[allocationIndex % set.processors.length]!;
}

/** One measurement interval of dynamic VMQ. Throws a RangeError on bad params or loads. */
export function dynamicVmqStep(
  state: DynamicVmqState,
  measured: DynamicVmqMeasurement,
  set: ProcessorSet,
  params: DynamicVmqParams = DEFAULT_DYNAMIC_VMQ_PARAMS,
): DynamicVmqStepResult {
  const problem = validateDynamicVmqParams(params);
  if (problem !== null) throw new RangeError(problem);
  const other = measured.otherLoads ?? {};
  checkLoads("queueLoads", measured.queueLoads);
  checkLoads("otherLoads", other);
  const moves: QueueMove[] = [];
  const next = produce(state, (draft) => {
    smoothQueueLoads(draft, measured.queueLoads, params.ewmaWeight);
    const plan = startPlan(draft, other, set, params, moves);
    relocateOutsideSet(plan);
    spread(plan);
    pack(plan);
    draft.processors = finalCounters(plan);
    draft.interval += 1;
  });
  return { state: next, moves: Object.freeze(moves.map((m) => Object.freeze(m))) };
}

// ---------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------

function smoothQueueLoads(
  draft: Draft<DynamicVmqState>,
  samples: Readonly<Record<number, number>>,
  weight: number,
): void {
  for (const id of idsOf(draft.queues)) {
    const q = draft.queues[id]!;
    const sample = samples[id] ?? 0;
    q.load = q.sampled ? weight * sample + (1 - weight) * q.load : sample;
    q.sampled = true;
  }
}

function checkLoads(name: string, loads: Readonly<Record<number, number>>): void {
  for (const [key, value] of Object.entries(loads)) {
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`${name}[${key}] must be a finite load >= 0 (got ${value})`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// The plan: working loads and counters while moves are decided
// ---------------------------------------------------------------------------------------

interface Plan {
  readonly draft: Draft<DynamicVmqState>;
  readonly other: Readonly<Record<number, number>>;
  readonly set: ProcessorSet;
  readonly inSet: ReadonlySet<number>;
  readonly params: DynamicVmqParams;
  /** Counters after this interval's measurement, before any move. */
  readonly counters: ReadonlyMap<number, ProcessorCounters>;
  /** Current load of every processor in the set or carrying a queue, updated per move. */
  readonly loads: Map<number, number>;
  readonly moves: QueueMove[];
  /** Processors that gave or received a queue this step. */
  readonly touched: Set<number>;
  /** Processors that packed a queue away this step (no longer pack targets). */
  readonly packedFrom: Set<number>;
}

function startPlan(
  draft: Draft<DynamicVmqState>,
  other: Readonly<Record<number, number>>,
  set: ProcessorSet,
  params: DynamicVmqParams,
  moves: QueueMove[],
): Plan {
  const carrying = idsOf(draft.queues).map((id) => draft.queues[id]!.processor);
  const relevant = [...new Set([...set.processors, ...carrying])].sort((a, b) => a - b);
  const loads = new Map<number, number>();
  const counters = new Map<number, ProcessorCounters>();
  const plan: Plan = {
    draft,
    other,
    set,
    inSet: new Set(set.processors),
    params,
    counters,
    loads,
    moves,
    touched: new Set(),
    packedFrom: new Set(),
  };
  for (const p of relevant) {
    const load = processorLoad(plan, p);
    loads.set(p, load);
    counters.set(p, countIntervals(draft.processors[p], load, params));
  }
  return plan;
}

function countIntervals(
  previous: ProcessorCounters | undefined,
  load: number,
  params: DynamicVmqParams,
): ProcessorCounters {
  return {
    over: load > params.upperThreshold ? (previous?.over ?? 0) + 1 : 0,
    under: load < params.lowerThreshold ? (previous?.under ?? 0) + 1 : 0,
  };
}

/** Sum of the processor's queues in ascending order, so the same state gives the same bits. */
function processorLoad(plan: Plan, processor: number): number {
  let load = 0;
  for (const id of queuesOn(plan, processor)) load += plan.draft.queues[id]!.load;
  return load + (plan.other[processor] ?? 0);
}

function loadOf(plan: Plan, processor: number): number {
  return plan.loads.get(processor) ?? 0;
}

function queuesOn(plan: Plan, processor: number): number[] {
  return idsOf(plan.draft.queues).filter((id) => plan.draft.queues[id]!.processor === processor);
}

function queueLoad(plan: Plan, queue: number): number {
  return plan.draft.queues[queue]!.load;
}

/** A queue may move when more than cooldownIntervals intervals passed since its last move. */
function movable(plan: Plan, queue: number): boolean {
  const since = plan.draft.interval - plan.draft.queues[queue]!.lastMoveInterval;
  return since > plan.params.cooldownIntervals;
}

function heaviestFirst(plan: Plan, queues: readonly number[]): number[] {
  return [...queues].sort((a, b) => queueLoad(plan, b) - queueLoad(plan, a) || a - b);
}

function lightestFirst(plan: Plan, queues: readonly number[]): number[] {
  return [...queues].sort((a, b) => queueLoad(plan, a) - queueLoad(plan, b) || a - b);
}

function firstFitting(
  plan: Plan,
  targets: readonly number[],
  load: number,
  limit: number,
): number | undefined {
  return targets.find((t) => loadOf(plan, t) + load <= limit);
}

function move(plan: Plan, queue: number, to: number, reason: QueueMoveReason): void {
  const q = plan.draft.queues[queue]!;
  const from = q.processor;
  q.processor = to;
  q.lastMoveInterval = plan.draft.interval;
  plan.moves.push({ queue, from, to, reason });
  plan.touched.add(from);
  plan.touched.add(to);
  // Recompute both ends from their queues rather than add and subtract, so no rounding drift.
  plan.loads.set(from, processorLoad(plan, from));
  plan.loads.set(to, processorLoad(plan, to));
}

// ---------------------------------------------------------------------------------------
// Outside the set: the set changed under the queue; move it now, cooldown or not
// ---------------------------------------------------------------------------------------

function relocateOutsideSet(plan: Plan): void {
  const outside = idsOf(plan.draft.queues).filter(
    (id) => !plan.inSet.has(plan.draft.queues[id]!.processor),
  );
  for (const queue of heaviestFirst(plan, outside)) {
    const from = plan.draft.queues[queue]!.processor;
    const targets = closestProcessors(plan.set, from);
    const fitting = firstFitting(plan, targets, queueLoad(plan, queue), plan.params.upperThreshold);
    move(plan, queue, fitting ?? leastLoaded(plan, targets), "outside-set");
  }
}

/** The least loaded of the targets; among equals the first, i.e. the closest. */
function leastLoaded(plan: Plan, targets: readonly number[]): number {
  let best = targets[0]!;
  for (const t of targets) if (loadOf(plan, t) < loadOf(plan, best)) best = t;
  return best;
}

// ---------------------------------------------------------------------------------------
// Spread
// ---------------------------------------------------------------------------------------

function spread(plan: Plan): void {
  for (const p of plan.set.processors) {
    const counters = plan.counters.get(p);
    if (counters !== undefined && counters.over >= plan.params.upIntervals) shed(plan, p);
  }
}

/**
 * Heaviest movable queue first, each to the closest processor that stays at or under the
 * upper threshold with it; stops when relieved or when one queue is left (a single queue
 * cannot be split). Targets only get heavier during a step, so a queue that fits nowhere
 * now fits nowhere later: one pass suffices.
 */
function shed(plan: Plan, p: number): void {
  const upper = plan.params.upperThreshold;
  const candidates = heaviestFirst(
    plan,
    queuesOn(plan, p).filter((q) => movable(plan, q)),
  );
  const targets = closestProcessors(plan.set, p);
  for (const queue of candidates) {
    if (loadOf(plan, p) <= upper || queuesOn(plan, p).length <= 1) return;
    const to = firstFitting(plan, targets, queueLoad(plan, queue), upper);
    if (to !== undefined) move(plan, queue, to, "spread");
  }
}

// ---------------------------------------------------------------------------------------
// Pack
// ---------------------------------------------------------------------------------------

/**
 * Processors that took part in a move this step are skipped: their counters describe
 * queues they no longer carry (and this keeps a queue from being chained twice).
 */
function pack(plan: Plan): void {
  for (const p of plan.set.processors) {
    if (p === plan.set.home || plan.touched.has(p)) continue;
    const counters = plan.counters.get(p);
    if (counters !== undefined && counters.under >= plan.params.downIntervals) packOut(plan, p);
  }
}

function packOut(plan: Plan, p: number): void {
  const candidates = lightestFirst(
    plan,
    queuesOn(plan, p).filter((q) => movable(plan, q)),
  );
  for (const queue of candidates) {
    const targets = packTargets(plan, p);
    const to = firstFitting(plan, targets, queueLoad(plan, queue), plan.params.packingCeiling);
    if (to === undefined) continue;
    move(plan, queue, to, "pack");
    plan.packedFrom.add(p);
  }
}

/**
 * Home, or another processor of the set already carrying queues (never one being emptied).
 * Order: same NUMA node as `p` first; within a node home first, then closest, ties to the
 * lower number. So packing heads home unless that would cross a NUMA node while a
 * processor in use on the queue's own node has room, as the patent describes.
 */
function packTargets(plan: Plan, p: number): number[] {
  const { set } = plan;
  const node = numaNodeOf(set, p);
  const key = (t: number) => [
    numaNodeOf(set, t) === node ? 0 : 1,
    t === set.home ? 0 : 1,
    Math.abs(t - p),
    t,
  ];
  return set.processors
    .filter((t) => t !== p && !plan.packedFrom.has(t))
    .filter((t) => t === set.home || queuesOn(plan, t).length > 0)
    .sort((a, b) => compareKeys(key(a), key(b)));
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------
// Counters after the step
// ---------------------------------------------------------------------------------------

/**
 * Counters of processors in the set or still carrying queues; those of a processor that
 * gave or received a queue restart at zero, so the next decision about it waits for
 * upIntervals / downIntervals intervals measured with its new queues.
 */
function finalCounters(plan: Plan): Record<number, ProcessorCounters> {
  const carrying = idsOf(plan.draft.queues).map((id) => plan.draft.queues[id]!.processor);
  const keep = [...new Set([...plan.set.processors, ...carrying])].sort((a, b) => a - b);
  const result: Record<number, ProcessorCounters> = {};
  for (const p of keep) {
    const counted = plan.counters.get(p) ?? { over: 0, under: 0 };
    result[p] = plan.touched.has(p) ? { over: 0, under: 0 } : counted;
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

function idsOf(record: Readonly<Record<number, unknown>>): number[] {
  return Object.keys(record)
    .map(Number)
    .sort((a, b) => a - b);
}

function requireId(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be an integer >= 0 (got ${value})`);
  }
}
