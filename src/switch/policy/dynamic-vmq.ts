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

import { type Draft, produce } from "immer";
import { finalCounters, pack, relocateOutsideSet, spread, startPlan } from "./dynamic-vmq-plan.js";
import {
  DEFAULT_DYNAMIC_VMQ_PARAMS,
  type DynamicVmqMeasurement,
  type DynamicVmqParams,
  type DynamicVmqState,
  type DynamicVmqStepResult,
  idsOf,
  type QueueMove,
  validateDynamicVmqParams,
} from "./dynamic-vmq-state.js";
import type { ProcessorSet } from "./processor-set.js";

export * from "./dynamic-vmq-state.js";
export { staticProcessorFor } from "./static-vmq.js";

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
