import type { HostMemory } from "../bus/host-memory.js";

/** The receive buffer size the driver uses by default (SRRCTL.BSIZEPACKET = 2). */
export const RX_BUFFER_BYTES = 2048;

/**
 * A pool of fixed-size DMA buffers carved from one host-memory allocation, made when the
 * queue starts: the receive path never allocates. Buffers are handed out and taken back
 * by address (a free stack in a typed array). Ownership is strict, because a buffer the
 * device may still write must never be reused: `release` throws on an address that is not
 * one of the pool's buffers or is already free (a driver bug, caught where it happens).
 */
export class BufferPool {
  readonly bufferBytes: number;
  readonly capacity: number;
  /** Host address of the first buffer (the allocation). */
  readonly base: number;
  private readonly memory: HostMemory;
  private readonly free: Float64Array;
  private readonly isFree: Uint8Array;
  private freeCount: number;
  private released = false;

  constructor(memory: HostMemory, capacity: number, bufferBytes: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`buffer pool: capacity ${capacity} must be a positive integer`);
    }
    if (!Number.isInteger(bufferBytes) || bufferBytes < 1) {
      throw new RangeError(`buffer pool: buffer size ${bufferBytes} must be a positive integer`);
    }
    this.memory = memory;
    this.capacity = capacity;
    this.bufferBytes = bufferBytes;
    this.base = memory.alloc(capacity * bufferBytes);
    this.free = new Float64Array(capacity);
    this.isFree = new Uint8Array(capacity).fill(1);
    // Stacked so that the lowest addresses come out first (easier to read in a dump).
    for (let i = 0; i < capacity; i++) this.free[i] = this.base + (capacity - 1 - i) * bufferBytes;
    this.freeCount = capacity;
  }

  /** Buffers available. */
  get available(): number {
    return this.freeCount;
  }

  /** Buffers handed out and not yet returned. */
  get inUse(): number {
    return this.capacity - this.freeCount;
  }

  /** A free buffer's address, or -1 when none is left. */
  acquire(): number {
    if (this.freeCount === 0) return -1;
    const address = this.free[--this.freeCount]!;
    this.isFree[(address - this.base) / this.bufferBytes] = 0;
    return address;
  }

  /** Takes buffer `address` back. */
  release(address: number): void {
    const offset = address - this.base;
    const index = offset / this.bufferBytes;
    if (!Number.isInteger(index) || index < 0 || index >= this.capacity) {
      throw new Error(`buffer pool: 0x${address.toString(16)} is not one of this pool's buffers`);
    }
    if (this.isFree[index] === 1) {
      throw new Error(`buffer pool: 0x${address.toString(16)} released twice`);
    }
    this.isFree[index] = 1;
    this.free[this.freeCount++] = address;
  }

  /** Returns the memory to the host. Every buffer must be back (the device stopped). */
  destroy(): void {
    if (this.released) return;
    if (this.freeCount !== this.capacity) {
      throw new Error(`buffer pool: destroyed with ${this.inUse} buffers still out`);
    }
    this.memory.free(this.base);
    this.released = true;
  }
}
