import { copyBytes } from "../../bus/host-memory.js";
import type { Ticks } from "../../kernel/ticks.js";
import { ringAdd } from "../rings/ring-index.js";

/**
 * A FIFO of frames in a fixed byte store: the NIC's packet buffers, and the frames a
 * peer has queued on the wire. Bytes live in one ring (a frame may wrap around its end);
 * per-frame facts live in parallel typed arrays, so pushing and popping allocate nothing.
 *
 * Besides its bytes, each frame carries a queue number, its arrival tick, and
 * four 32-bit words for whatever the owner needs (the receive path keeps the descriptor
 * write-back words the classifier computed).
 *
 * Readers find a frame's bytes in `store` with `contiguousOffset`, or with `view` when
 * they wrap around the store's end.
 */
export class FrameFifo {
  readonly capacityBytes: number;
  readonly maxFrames: number;
  /** The byte store; `contiguousOffset` says where a frame's bytes sit in it. */
  readonly store: Uint8Array;
  private readonly start: Int32Array;
  private readonly length: Int32Array;
  readonly queue: Int32Array;
  readonly arrivalTicks: Float64Array;
  readonly word0: Uint32Array;
  readonly word1: Uint32Array;
  readonly word2: Uint32Array;
  readonly word3: Uint32Array;
  private headSlot = 0;
  private frames = 0;
  private firstByte = 0;
  private bytesUsed = 0;

  constructor(capacityBytes: number, maxFrames: number) {
    this.capacityBytes = capacityBytes;
    this.maxFrames = maxFrames;
    this.store = new Uint8Array(capacityBytes);
    this.start = new Int32Array(maxFrames);
    this.length = new Int32Array(maxFrames);
    this.queue = new Int32Array(maxFrames);
    this.arrivalTicks = new Float64Array(maxFrames);
    this.word0 = new Uint32Array(maxFrames);
    this.word1 = new Uint32Array(maxFrames);
    this.word2 = new Uint32Array(maxFrames);
    this.word3 = new Uint32Array(maxFrames);
  }

  get count(): number {
    return this.frames;
  }

  get usedBytes(): number {
    return this.bytesUsed;
  }

  /** True if a frame of `length` bytes fits now. */
  fits(length: number): boolean {
    return this.frames < this.maxFrames && this.bytesUsed + length <= this.capacityBytes;
  }

  /**
   * Appends a frame; returns its slot, or -1 (nothing stored) when it does not fit. The
   * caller fills the slot's queue and words.
   */
  push(src: Uint8Array, offset: number, length: number, arrivalTicks: Ticks): number {
    const slot = this.reserve(length, arrivalTicks);
    if (slot >= 0) this.copyIn(slot, src, offset);
    return slot;
  }

  /** Takes a slot and the store space for a frame (bytes not copied yet); -1 when it does not fit. */
  private reserve(length: number, arrivalTicks: Ticks): number {
    if (!this.fits(length)) return -1;
    const slot = ringAdd(this.headSlot, this.frames, this.maxFrames);
    const at = ringAdd(this.firstByte, this.bytesUsed, this.capacityBytes);
    this.start[slot] = at;
    this.length[slot] = length;
    this.arrivalTicks[slot] = arrivalTicks;
    this.queue[slot] = 0;
    this.word0[slot] = 0;
    this.word1[slot] = 0;
    this.word2[slot] = 0;
    this.word3[slot] = 0;
    this.frames++;
    this.bytesUsed += length;
    return slot;
  }

  /** Copies the frame of `slot` from `src[offset..]` into its reserved space (which may wrap). */
  private copyIn(slot: number, src: Uint8Array, offset: number): void {
    const at = this.start[slot]!;
    const length = this.length[slot]!;
    const firstPart = Math.min(length, this.capacityBytes - at);
    copyBytes(src, offset, this.store, at, firstPart);
    if (firstPart < length) copyBytes(src, offset + firstPart, this.store, 0, length - firstPart);
  }

  /** The slot of the oldest frame, or -1 when empty. */
  head(): number {
    return this.frames === 0 ? -1 : this.headSlot;
  }

  lengthOf(slot: number): number {
    return this.length[slot]!;
  }

  /**
   * Where bytes [from, from+len) of the frame in `slot` start in `store`, or -1 when they
   * wrap around the store's end (use `view` then).
   */
  contiguousOffset(slot: number, from: number, len: number): number {
    const at = this.start[slot]! + from;
    if (at + len <= this.capacityBytes) return at;
    if (at >= this.capacityBytes) return at - this.capacityBytes;
    return -1;
  }

  /**
   * A contiguous view of bytes [from, from+len) of the frame in `slot`. When they wrap
   * around the store's end, they are copied into `scratch` and a view of it returned.
   */
  view(slot: number, from: number, len: number, scratch: Uint8Array): Uint8Array {
    const at = this.start[slot]! + from;
    if (at + len <= this.capacityBytes) return this.store.subarray(at, at + len);
    const wrapped = at % this.capacityBytes;
    if (wrapped + len <= this.capacityBytes && at >= this.capacityBytes) {
      return this.store.subarray(wrapped, wrapped + len);
    }
    const firstPart = this.capacityBytes - at;
    scratch.set(this.store.subarray(at, this.capacityBytes), 0);
    scratch.set(this.store.subarray(0, len - firstPart), firstPart);
    return scratch.subarray(0, len);
  }

  /** Removes the oldest frame. */
  pop(): void {
    if (this.frames === 0) return;
    const len = this.length[this.headSlot]!;
    this.firstByte = ringAdd(this.firstByte, len, this.capacityBytes);
    this.bytesUsed -= len;
    this.headSlot = ringAdd(this.headSlot, 1, this.maxFrames);
    this.frames--;
    if (this.frames === 0) this.firstByte = 0;
  }

  /** Empties the FIFO. */
  clear(): void {
    this.headSlot = 0;
    this.frames = 0;
    this.firstByte = 0;
    this.bytesUsed = 0;
  }
}
