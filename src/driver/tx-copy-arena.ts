import type { HostMemory } from "../bus/host-memory.js";

/** Default bytes of transmit copy area per queue: room for two largest sends (LSO). */
export const TX_ARENA_BYTES = 1024 * 1024;

/** Returned by `allocate` when nothing was allocated. */
export const NO_SPACE = -1;

/**
 * The transmit buffer pool of one queue: a pre-allocated area of host memory that frames
 * are copied into before the device reads them, used as a ring of bytes.
 *
 * Transmit completions come back in the order frames were posted, so buffers are freed
 * in the order they were handed out: a FIFO allocator needs no free list and never
 * fragments. Each frame gets one contiguous run (so a 64 KiB frame needs no more
 * descriptors than DTALEN forces); a run that would cross the end of the area starts at
 * its beginning instead, and the skipped tail is freed with the frame that skipped it.
 *
 * `allocate` returns the run's address and sets `ticket`: pass it to `releaseThrough`
 * when that frame completes, which frees the run and everything handed out before it.
 */
export class TxCopyArena {
  readonly base: number;
  readonly bytes: number;
  private readonly memory: HostMemory;
  /** Offset where the next run starts. */
  private head = 0;
  /** Offset of the oldest run still in use. */
  private tail = 0;
  private empty = true;
  private destroyed = false;
  /** The ticket of the last successful `allocate`. */
  ticket = 0;

  constructor(memory: HostMemory, bytes: number) {
    if (!Number.isInteger(bytes) || bytes < 1) {
      throw new RangeError(`tx copy arena: size ${bytes} must be a positive integer`);
    }
    this.memory = memory;
    this.bytes = bytes;
    this.base = memory.alloc(bytes);
  }

  /** Bytes between the oldest run in use and the next free byte (skipped tails included). */
  get usedBytes(): number {
    if (this.empty) return 0;
    return this.head > this.tail ? this.head - this.tail : this.bytes - this.tail + this.head;
  }

  /** The largest run this area can ever hold (a bigger frame is never accepted). */
  get largestRun(): number {
    return this.bytes;
  }

  /** A contiguous run of `length` bytes (address), or NO_SPACE until older frames complete. */
  allocate(length: number): number {
    if (length < 1 || length > this.bytes) return NO_SPACE;
    if (this.empty) {
      // Nothing in use: start again at the beginning, so the whole area is one run.
      this.head = 0;
      this.tail = 0;
    }
    let at: number;
    if (this.empty || this.head > this.tail) {
      // In use: [tail, head). Free: [head, end) and [0, tail).
      if (this.bytes - this.head >= length) at = this.head;
      else if (this.tail >= length) at = 0;
      else return NO_SPACE;
    } else {
      // Wrapped, or full (head === tail): in use [tail, end) and [0, head).
      if (this.tail - this.head < length) return NO_SPACE;
      at = this.head;
    }
    this.head = at + length;
    this.empty = false;
    this.ticket = this.head;
    return this.base + at;
  }

  /** Frees every run up to and including the one `allocate` gave `ticket` for. */
  releaseThrough(ticket: number): void {
    this.tail = ticket;
    if (this.tail === this.head) this.empty = true;
  }

  /** Returns the memory to the host (no frame may still be in the device's hands). */
  destroy(): void {
    if (this.destroyed) return;
    this.memory.free(this.base);
    this.destroyed = true;
  }
}
