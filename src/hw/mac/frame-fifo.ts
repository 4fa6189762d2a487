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
 * The newest frame may be "borrowed" (`pushBorrowed`): its space is taken, but its bytes
 * stay in the caller's array until `settle()` copies them in. The receive MAC uses this
 * so that a frame the DMA engine takes at once is copied once (to host memory), not twice.
 * Readers find a frame's bytes with `bytesOf` and `contiguousOffset` either way (and with
 * `view` when those bytes wrap the store's end, which a borrowed frame's never do).
 */
export class FrameFifo {
  readonly capacityBytes: number;
  readonly maxFrames: number;
  /** The byte store; `contiguousOffset` says where a frame's bytes sit in it (unless borrowed). */
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
  /** The borrowed frame's slot (-1: none), and where its bytes are meanwhile. */
  private borrowedSlot = -1;
  private borrowedBytes: Uint8Array;
  private borrowedOffset = 0;

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
    this.borrowedBytes = this.store;
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

  /**
   * `push` without copying: the frame's bytes stay in `src[offset, offset + length)`, which
   * must not change until `settle()` (or until the frame is popped, whichever is first).
   */
  pushBorrowed(src: Uint8Array, offset: number, length: number, arrivalTicks: Ticks): number {
    const slot = this.reserve(length, arrivalTicks);
    if (slot < 0) return -1;
    this.borrowedSlot = slot;
    this.borrowedBytes = src;
    this.borrowedOffset = offset;
    return slot;
  }

  /** Copies a borrowed frame still queued into the store; its source may change after. */
  settle(): void {
    const slot = this.borrowedSlot;
    if (slot < 0) return;
    this.borrowedSlot = -1;
    this.copyIn(slot, this.borrowedBytes, this.borrowedOffset);
  }

  /** Takes a slot and the store space for a frame (bytes not copied); -1 when it does not fit. */
  private reserve(length: number, arrivalTicks: Ticks): number {
    this.settle();
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

  /** The array holding the bytes of the frame in `slot`: `store`, or a borrowed frame's source. */
  bytesOf(slot: number): Uint8Array {
    return slot === this.borrowedSlot ? this.borrowedBytes : this.store;
  }

  /**
   * Where bytes [from, from+len) of the frame in `slot` start in `bytesOf(slot)`, or -1 when
   * they wrap around the store's end (use `view` then).
   */
  contiguousOffset(slot: number, from: number, len: number): number {
    if (slot === this.borrowedSlot) return this.borrowedOffset + from;
    const at = this.start[slot]! + from;
    if (at + len <= this.capacityBytes) return at;
    if (at >= this.capacityBytes) return at - this.capacityBytes;
    return -1;
  }

  /**
   * A contiguous view of bytes [from, from+len) of the frame in `slot`, which is not the
   * borrowed frame (`contiguousOffset` always finds its bytes). When the frame wraps the
   * store's end, the bytes are copied into `scratch` and a view of it returned.
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
    if (this.headSlot === this.borrowedSlot) this.borrowedSlot = -1;
    const len = this.length[this.headSlot]!;
    this.firstByte = ringAdd(this.firstByte, len, this.capacityBytes);
    this.bytesUsed -= len;
    this.headSlot = ringAdd(this.headSlot, 1, this.maxFrames);
    this.frames--;
    if (this.frames === 0) this.firstByte = 0;
  }

  /** Empties the FIFO. */
  clear(): void {
    this.borrowedSlot = -1;
    this.headSlot = 0;
    this.frames = 0;
    this.firstByte = 0;
    this.bytesUsed = 0;
  }
}
