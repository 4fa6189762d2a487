import { requireId } from "./dynamic-vmq-state.js";
import type { ProcessorSet } from "./processor-set.js";

/** The static policy: allocation i goes to the i-th processor of the set, round robin. */
export function staticProcessorFor(set: ProcessorSet, allocationIndex: number): number {
  requireId("allocationIndex", allocationIndex);
  return set.processors[allocationIndex % set.processors.length]!;
}
