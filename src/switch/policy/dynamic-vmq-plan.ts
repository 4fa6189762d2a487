/**
 * The decisions of one dynamic VMQ step, on a draft of the state: working loads and
 * counters while moves are decided (so two moves never overload one target), then
 * relocation into the set, spreading and packing. See dynamic-vmq.ts for the order.
 */

import type { Draft } from "immer";
import {
  type DynamicVmqParams,
  type DynamicVmqState,
  idsOf,
  type ProcessorCounters,
  type QueueMove,
  type QueueMoveReason,
} from "./dynamic-vmq-state.js";
import { closestProcessors, numaNodeOf, type ProcessorSet } from "./processor-set.js";

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

export function startPlan(
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

export function relocateOutsideSet(plan: Plan): void {
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

export function spread(plan: Plan): void {
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
export function pack(plan: Plan): void {
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
export function finalCounters(plan: Plan): Record<number, ProcessorCounters> {
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
