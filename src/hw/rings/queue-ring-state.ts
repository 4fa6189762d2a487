import type { Ticks } from "../../kernel/ticks.js";
import { ringAdd } from "./ring-index.js";

/** Descriptors the device caches per queue (fetched ahead of use); ours, a typical size. */
export const DESCRIPTOR_CACHE = 32;
/** Fetch batches in flight per queue. */
const FETCH_SLOTS = 8;

/**
 * The device-side state of every queue of one direction (receive or transmit), as
 * parallel typed arrays (one entry per queue) so the data path touches no objects. Ring
 * positions are descriptor indices modulo the ring size:
 *
 *   head ... written back (RDH) | wbPending | inflight | cached | posted, unfetched ... tail
 *
 * `next` is the first descriptor not yet given to a frame: next = head + wbPending +
 * inflight. `cached` descriptors from `next` on have been fetched (or are being fetched).
 * Transmit queues write back as they complete, so their wbPending stays 0.
 */
export class QueueRingState {
  readonly count: number;
  readonly enabled: Uint8Array;
  /** Software cleared ENABLE; the queue stops once its frames in flight are done. */
  readonly stopping: Uint8Array;
  readonly faulted: Uint8Array;
  readonly dropEnabled: Uint8Array;
  readonly ringBase: Float64Array;
  readonly ringSize: Int32Array;
  readonly head: Int32Array;
  readonly next: Int32Array;
  readonly tail: Int32Array;
  readonly wbPending: Int32Array;
  readonly inflight: Int32Array;
  readonly cached: Int32Array;
  readonly bufferBytes: Int32Array;
  readonly writebackThreshold: Int32Array;
  readonly prefetchThreshold: Int32Array;
  /** Per queue, FETCH_SLOTS entries: descriptors still to be used from each fetch batch. */
  private readonly batchLeft: Int32Array;
  /** Per queue, FETCH_SLOTS entries: when each fetch batch's descriptors arrive. */
  private readonly batchReady: Float64Array;
  private readonly batchFirst: Int32Array;
  private readonly batchCount: Int32Array;

  constructor(queues: number) {
    this.count = queues;
    this.enabled = new Uint8Array(queues);
    this.stopping = new Uint8Array(queues);
    this.faulted = new Uint8Array(queues);
    this.dropEnabled = new Uint8Array(queues);
    this.ringBase = new Float64Array(queues);
    this.ringSize = new Int32Array(queues);
    this.head = new Int32Array(queues);
    this.next = new Int32Array(queues);
    this.tail = new Int32Array(queues);
    this.wbPending = new Int32Array(queues);
    this.inflight = new Int32Array(queues);
    this.cached = new Int32Array(queues);
    this.bufferBytes = new Int32Array(queues);
    this.writebackThreshold = new Int32Array(queues);
    this.prefetchThreshold = new Int32Array(queues);
    this.batchLeft = new Int32Array(queues * FETCH_SLOTS);
    this.batchReady = new Float64Array(queues * FETCH_SLOTS);
    this.batchFirst = new Int32Array(queues);
    this.batchCount = new Int32Array(queues);
  }

  /** Descriptors software has posted that no frame has used yet. */
  available(q: number): number {
    const size = this.ringSize[q]!;
    return size === 0 ? 0 : ringAdd(this.tail[q]! - this.next[q]!, size, size);
  }

  /**
   * Records a fetch of `n` descriptors arriving at `readyTicks`. With every batch slot in
   * use, the fetch joins the newest batch (which then arrives with it).
   */
  addFetch(q: number, n: number, readyTicks: Ticks): void {
    this.cached[q]! += n;
    if (this.batchCount[q]! >= FETCH_SLOTS) {
      const newest = q * FETCH_SLOTS + ((this.batchFirst[q]! + FETCH_SLOTS - 1) % FETCH_SLOTS);
      this.batchLeft[newest]! += n;
      this.batchReady[newest] = Math.max(this.batchReady[newest]!, readyTicks);
      return;
    }
    const slot = q * FETCH_SLOTS + ((this.batchFirst[q]! + this.batchCount[q]!) % FETCH_SLOTS);
    this.batchLeft[slot] = n;
    this.batchReady[slot] = readyTicks;
    this.batchCount[q]!++;
  }

  /** Uses `n` cached descriptors; returns when the last of them has arrived. */
  takeCached(q: number, n: number): Ticks {
    let ready = 0;
    let left = n;
    while (left > 0 && this.batchCount[q]! > 0) {
      const slot = q * FETCH_SLOTS + this.batchFirst[q]!;
      const take = Math.min(left, this.batchLeft[slot]!);
      ready = Math.max(ready, this.batchReady[slot]!);
      this.batchLeft[slot]! -= take;
      left -= take;
      if (this.batchLeft[slot] === 0) {
        this.batchFirst[q] = (this.batchFirst[q]! + 1) % FETCH_SLOTS;
        this.batchCount[q]!--;
      }
    }
    this.cached[q]! -= n;
    return ready;
  }

  /** Forgets the queue's ring position and cache (on enable, disable or reset). */
  restart(q: number, head: number): void {
    this.head[q] = head;
    this.next[q] = head;
    this.wbPending[q] = 0;
    this.inflight[q] = 0;
    this.cached[q] = 0;
    this.batchFirst[q] = 0;
    this.batchCount[q] = 0;
  }

  /** Every queue back to its reset state. */
  resetAll(): void {
    for (const array of [this.enabled, this.stopping, this.faulted, this.dropEnabled])
      array.fill(0);
    for (const array of [
      this.head,
      this.next,
      this.tail,
      this.wbPending,
      this.inflight,
      this.cached,
    ]) {
      array.fill(0);
    }
    this.ringBase.fill(0);
    this.ringSize.fill(0);
    this.batchFirst.fill(0);
    this.batchCount.fill(0);
  }
}
