import type { Ticks } from "../../kernel/ticks.js";
import { DESCRIPTOR_BYTES } from "../desc/schema.js";
import type { DmaEngine } from "../dma/dma-engine.js";
import { DESCRIPTOR_CACHE, type QueueRingState } from "./queue-ring-state.js";

/**
 * Gives a frame `descs` descriptors of queue `q`, fetching them over DMA first if they
 * are not on chip yet, and prefetching more when fewer than the queue's prefetch
 * threshold remain cached. Returns the tick by which the frame's descriptors are on chip.
 * The caller has checked that `descs` descriptors are available.
 *
 * Fetches are timed, not performed: a descriptor's contents are read from host memory
 * when it is used, which is equivalent because software may not touch a descriptor it
 * has handed to the device.
 */
export function acquireDescriptors(
  state: QueueRingState,
  dma: DmaEngine,
  q: number,
  descs: number,
  nowTicks: Ticks,
): Ticks {
  if (state.cached[q]! < descs) {
    fetch(state, dma, q, Math.max(descs, DESCRIPTOR_CACHE) - state.cached[q]!, nowTicks);
  }
  const readyAt = state.takeCached(q, descs);
  if (state.cached[q]! < state.prefetchThreshold[q]!) {
    fetch(state, dma, q, DESCRIPTOR_CACHE - state.cached[q]!, nowTicks);
  }
  return readyAt;
}

function fetch(state: QueueRingState, dma: DmaEngine, q: number, wanted: number, now: Ticks): void {
  const unfetched = state.available(q) - state.cached[q]!;
  const n = Math.min(wanted, unfetched);
  if (n <= 0) return;
  state.addFetch(q, n, dma.readDoneTicks(now, n * DESCRIPTOR_BYTES));
}
