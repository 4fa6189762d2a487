/**
 * Host memory: the memory the driver allocates descriptor rings and buffers from and the
 * NIC reaches only by DMA.
 *
 * Sparse and page-granular: an allocation maps whole 4 KiB pages, and a page takes real
 * memory only when first written, so a multi-GiB address space costs nothing until used.
 * Mapping is what an IOMMU would enforce: an access to a page no allocation mapped fails
 * (the DMA engine turns that into a DMA fault), never throws. Allocations start above
 * 4 GiB so that drivers must program both halves of 64-bit addresses.
 *
 * A written page lives in a page frame: a 4 KiB slot of an arena (one ArrayBuffer of
 * ARENA_PAGES frames). Frames of freed pages are reused, zeroed, so a model that allocates
 * and frees queues for hours does not grow. Arenas rather than an array per page: a
 * typed array per page made the data path chase one more object per access, and with
 * thousands of buffer pages in turn those objects missed the processor's caches.
 *
 * The accessors the data path uses per frame (`read`, `write`, `readU32`, `writeU32`,
 * `readU64`, `writeDescriptor`) each start with the same few lines: find the page's slot
 * in the page cache, and in one test check that it holds the page and that the offset is
 * whole (and aligned, for words); then touch the arena directly. Everything else (an
 * uncached or untouched page, an unmapped or malformed address, a run across pages) goes
 * to the checked version. The lines are written out in each accessor, not shared: V8
 * inlines only small callees into a hot caller, and a shared helper was left as a call
 * (measured: 25-30 % of the 64-byte receive benchmark).
 */
export const PAGE_BYTES = 4096;
const PAGE_SHIFT = 12;
const FIRST_ADDRESS = 0x1_0000_0000;
/** Page frames per arena (a power of two): 1 MiB arenas. */
const ARENA_PAGES = 256;
const ARENA_SHIFT = 8;
/** A mapped page that has never been written: it reads as zeros and has no frame. */
const UNTOUCHED = -1;
/** What the frame lookups answer for a page that is not mapped. */
const UNMAPPED = -2;
/**
 * Page cache slots: a power of two (a slot is a page number's low bits). 8192 slots cover
 * 32 MiB of contiguous allocations, so a data path cycling through every buffer of
 * several rings still hits the cache.
 */
const CACHE_SLOTS = 8192;
/** The tag of an empty page cache slot: NaN equals no page number, not even a bad one. */
const EMPTY_TAG = Number.NaN;

/**
 * Words are read and written through 32-bit views in the host's byte order, which must
 * then be little-endian, as PCIe and the descriptors are (every platform Node runs on
 * but s390x is).
 */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** One allocation: where it starts and how many bytes it maps (whole pages). */
interface Region {
  readonly address: number;
  readonly bytes: number;
}

export class HostMemory {
  /** Mapped pages by page number: their frame, or UNTOUCHED. */
  private readonly pages = new Map<number, number>();
  private readonly regions = new Map<number, Region>();
  private nextAddress = FIRST_ADDRESS;
  private readonly arenas: Uint8Array[] = [];
  /** Each arena as 32-bit words (host order: little-endian, checked at construction). */
  private readonly arenaWords: Uint32Array[] = [];
  /** Frames handed out so far (the next new one), and frames of freed pages to reuse. */
  private framesMade = 0;
  private readonly freeFrames: number[] = [];
  /**
   * A direct-mapped cache of written pages, so the data path's accesses rarely reach the
   * map: slot s holds the page number at [2s] (EMPTY_TAG: none) and its frame at [2s + 1], side
   * by side so that a lookup touches one cache line.
   */
  private readonly cache = new Float64Array(2 * CACHE_SLOTS).fill(EMPTY_TAG);

  constructor() {
    if (!HOST_IS_LITTLE_ENDIAN) {
      throw new Error("HostMemory needs a little-endian host (its words are little-endian)");
    }
  }

  /** Bytes of pages currently mapped. */
  get mappedBytes(): number {
    return this.pages.size * PAGE_BYTES;
  }

  /** Bytes of memory that written pages hold now (untouched and freed pages hold none). */
  get residentBytes(): number {
    return (this.framesMade - this.freeFrames.length) * PAGE_BYTES;
  }

  /**
   * Allocates and maps `bytes` (rounded up to whole pages), page-aligned, and returns the
   * address. Address space is never reused, so a stale address stays unmapped.
   */
  alloc(bytes: number): number {
    if (!Number.isSafeInteger(bytes) || bytes <= 0) {
      throw new RangeError(`alloc(${bytes}): size must be a positive integer`);
    }
    const pageCount = Math.ceil(bytes / PAGE_BYTES);
    const address = this.nextAddress;
    this.nextAddress += pageCount * PAGE_BYTES;
    const first = address / PAGE_BYTES;
    for (let i = 0; i < pageCount; i++) this.pages.set(first + i, UNTOUCHED);
    this.regions.set(address, { address, bytes: pageCount * PAGE_BYTES });
    return address;
  }

  /** Unmaps the allocation that starts at `address`; returns false if there is none. */
  free(address: number): boolean {
    const region = this.regions.get(address);
    if (region === undefined) return false;
    const first = address / PAGE_BYTES;
    for (let i = 0; i < region.bytes / PAGE_BYTES; i++) {
      const frame = this.pages.get(first + i)!;
      if (frame !== UNTOUCHED) this.freeFrames.push(frame);
      this.pages.delete(first + i);
    }
    this.regions.delete(address);
    this.cache.fill(EMPTY_TAG);
    return true;
  }

  /**
   * True when every byte of [address, address + length) is mapped; for an empty run, when
   * the page holding `address` is (as `read` and `write` of nothing require).
   */
  isMapped(address: number, length: number): boolean {
    if (!validRange(address, length)) return false;
    const last = Math.floor((address + Math.max(length, 1) - 1) / PAGE_BYTES);
    for (let page = Math.floor(address / PAGE_BYTES); page <= last; page++) {
      if (!this.pages.has(page)) return false;
    }
    return true;
  }

  /** Copies `length` bytes at `address` into `dst[dstOffset..]`. False (nothing copied) if unmapped. */
  read(address: number, dst: Uint8Array, dstOffset: number, length: number): boolean {
    const page = pageOf(address);
    const inPage = address - page * PAGE_BYTES;
    const c = cacheIndex(page);
    // A cached page, and a whole run of whole bytes within it (NaN and fractions fail).
    if (this.cache[c] === page && (inPage | 0) === inPage && inPage + length <= PAGE_BYTES) {
      if ((length | 0) === length && length >= 0) {
        const frame = this.cache[c + 1]!;
        const arena = this.arenas[frame >>> ARENA_SHIFT]!;
        copyBytes(arena, frameBase(frame) + inPage, dst, dstOffset, length);
        return true;
      }
    }
    return this.readChecked(address, dst, dstOffset, length);
  }

  /** `read` through the full checks and the page map. */
  private readChecked(
    address: number,
    dst: Uint8Array,
    dstOffset: number,
    length: number,
  ): boolean {
    const inPage = offsetInOnePage(address, length);
    if (inPage < 0) return this.readAcrossPages(address, dst, dstOffset, length);
    // The common case, one page: no range walk.
    const frame = this.frameForRead(pageOf(address));
    if (frame === UNMAPPED) return false;
    this.copyOut(frame, inPage, dst, dstOffset, length);
    return true;
  }

  /** `read` of a run that crosses pages (or a malformed one, which `isMapped` rejects). */
  private readAcrossPages(
    address: number,
    dst: Uint8Array,
    dstOffset: number,
    length: number,
  ): boolean {
    if (!this.isMapped(address, length)) return false;
    let done = 0;
    while (done < length) {
      const at = address + done;
      const inPage = pageOffset(at);
      const n = Math.min(length - done, PAGE_BYTES - inPage);
      this.copyOut(this.pages.get(pageOf(at))!, inPage, dst, dstOffset + done, n);
      done += n;
    }
    return true;
  }

  /** Copies `length` bytes from `inPage` of page frame `frame` (zeros if UNTOUCHED) to `dst`. */
  private copyOut(
    frame: number,
    inPage: number,
    dst: Uint8Array,
    dstOffset: number,
    length: number,
  ): void {
    if (frame === UNTOUCHED) {
      dst.fill(0, dstOffset, dstOffset + length);
      return;
    }
    copyBytes(
      this.arenas[frame >>> ARENA_SHIFT]!,
      frameBase(frame) + inPage,
      dst,
      dstOffset,
      length,
    );
  }

  /** Copies `src[srcOffset..srcOffset+length)` to `address`. False (nothing written) if unmapped. */
  write(address: number, src: Uint8Array, srcOffset: number, length: number): boolean {
    const page = pageOf(address);
    const inPage = address - page * PAGE_BYTES;
    const c = cacheIndex(page);
    // A cached page, and a whole run of whole bytes within it (NaN and fractions fail).
    if (this.cache[c] === page && (inPage | 0) === inPage && inPage + length <= PAGE_BYTES) {
      if ((length | 0) === length && length >= 0) {
        const frame = this.cache[c + 1]!;
        copyBytes(
          src,
          srcOffset,
          this.arenas[frame >>> ARENA_SHIFT]!,
          frameBase(frame) + inPage,
          length,
        );
        return true;
      }
    }
    return this.writeChecked(address, src, srcOffset, length);
  }

  /** `write` through the full checks and the page map. */
  private writeChecked(
    address: number,
    src: Uint8Array,
    srcOffset: number,
    length: number,
  ): boolean {
    const inPage = offsetInOnePage(address, length);
    if (inPage < 0) return this.writeAcrossPages(address, src, srcOffset, length);
    // The common case, one page: no range walk, and small copies without a view object.
    const frame = this.frameForWrite(pageOf(address));
    if (frame < 0) return false;
    copyBytes(
      src,
      srcOffset,
      this.arenas[frame >>> ARENA_SHIFT]!,
      frameBase(frame) + inPage,
      length,
    );
    return true;
  }

  /** `write` of a run that crosses pages (or a malformed one, which `isMapped` rejects). */
  private writeAcrossPages(
    address: number,
    src: Uint8Array,
    srcOffset: number,
    length: number,
  ): boolean {
    if (!this.isMapped(address, length)) return false;
    let done = 0;
    while (done < length) {
      const at = address + done;
      const inPage = pageOffset(at);
      const n = Math.min(length - done, PAGE_BYTES - inPage);
      const frame = this.frameForWrite(pageOf(at));
      const arena = this.arenas[frame >>> ARENA_SHIFT]!;
      arena.set(src.subarray(srcOffset + done, srcOffset + done + n), frameBase(frame) + inPage);
      done += n;
    }
    return true;
  }

  /** Reads a little-endian 32-bit word (4-byte aligned). Returns -1 when unmapped. */
  readU32(address: number): number {
    const page = pageOf(address);
    const inPage = address - page * PAGE_BYTES;
    const c = cacheIndex(page);
    // A cached page, and an offset that is a whole multiple of 4 (NaN and fractions fail).
    if (this.cache[c] === page && (inPage & ~3) === inPage) {
      const frame = this.cache[c + 1]!;
      return this.arenaWords[frame >>> ARENA_SHIFT]![(frameBase(frame) + inPage) >>> 2]!;
    }
    return this.readU32Checked(address);
  }

  /** `readU32` through the full checks and the page map. */
  private readU32Checked(address: number): number {
    if (!aligned(address, 4)) return -1;
    const frame = this.frameForRead(pageOf(address));
    if (frame === UNMAPPED) return -1;
    if (frame === UNTOUCHED) return 0;
    return this.arenaWords[frame >>> ARENA_SHIFT]![wordIndex(frame, address)]!;
  }

  /** Writes a little-endian 32-bit word (4-byte aligned). Returns false when unmapped. */
  writeU32(address: number, value: number): boolean {
    const page = pageOf(address);
    const inPage = address - page * PAGE_BYTES;
    const c = cacheIndex(page);
    // A cached page, and an offset that is a whole multiple of 4 (NaN and fractions fail).
    if (this.cache[c] === page && (inPage & ~3) === inPage) {
      const frame = this.cache[c + 1]!;
      this.arenaWords[frame >>> ARENA_SHIFT]![(frameBase(frame) + inPage) >>> 2] = value;
      return true;
    }
    return this.writeU32Checked(address, value);
  }

  /** `writeU32` through the full checks and the page map. */
  private writeU32Checked(address: number, value: number): boolean {
    if (!aligned(address, 4)) return false;
    const frame = this.frameForWrite(pageOf(address));
    if (frame < 0) return false;
    this.arenaWords[frame >>> ARENA_SHIFT]![wordIndex(frame, address)] = value;
    return true;
  }

  /** Reads a little-endian 64-bit value (8-byte aligned, below 2^53). Returns -1 when unmapped. */
  readU64(address: number): number {
    const page = pageOf(address);
    const inPage = address - page * PAGE_BYTES;
    const c = cacheIndex(page);
    // A cached page, and an offset that is a whole multiple of 8 (NaN and fractions fail).
    if (this.cache[c] === page && (inPage & ~7) === inPage) {
      const frame = this.cache[c + 1]!;
      const words = this.arenaWords[frame >>> ARENA_SHIFT]!;
      const i = (frameBase(frame) + inPage) >>> 2;
      return words[i + 1]! * 0x1_0000_0000 + words[i]!;
    }
    return this.readU64Checked(address);
  }

  /** `readU64` through the full checks and the page map. */
  private readU64Checked(address: number): number {
    if (!aligned(address, 8)) return this.readU64Unaligned(address);
    const frame = this.frameForRead(pageOf(address));
    if (frame === UNMAPPED) return -1;
    if (frame === UNTOUCHED) return 0;
    const words = this.arenaWords[frame >>> ARENA_SHIFT]!;
    const i = wordIndex(frame, address);
    return words[i + 1]! * 0x1_0000_0000 + words[i]!;
  }

  /** `readU64` at an address that is not 8-byte aligned: two word reads (-1 if either fails). */
  private readU64Unaligned(address: number): number {
    const low = this.readU32(address);
    const high = this.readU32(address + 4);
    return low < 0 || high < 0 ? -1 : high * 0x1_0000_0000 + low;
  }

  /** Writes a 64-bit value (below 2^53) as two little-endian halves. */
  writeU64(address: number, value: number): boolean {
    const high = Math.floor(value / 0x1_0000_0000);
    const low = value - high * 0x1_0000_0000;
    if (!aligned(address, 8))
      return this.writeU32(address, low) && this.writeU32(address + 4, high);
    // Aligned: both halves are in one page.
    const frame = this.frameForWrite(pageOf(address));
    if (frame < 0) return false;
    const words = this.arenaWords[frame >>> ARENA_SHIFT]!;
    const i = wordIndex(frame, address);
    words[i] = low;
    words[i + 1] = high;
    return true;
  }

  /**
   * Writes a 16-byte descriptor as four little-endian dwords with one page lookup.
   * `address` is 16-byte aligned. Returns false when unmapped.
   */
  writeDescriptor(address: number, w0: number, w1: number, w2: number, w3: number): boolean {
    const page = pageOf(address);
    const inPage = address - page * PAGE_BYTES;
    const c = cacheIndex(page);
    // A cached page, and an offset that is a whole multiple of 16 (NaN and fractions fail).
    if (this.cache[c] === page && (inPage & ~15) === inPage) {
      const frame = this.cache[c + 1]!;
      const words = this.arenaWords[frame >>> ARENA_SHIFT]!;
      const i = (frameBase(frame) + inPage) >>> 2;
      words[i] = w0;
      words[i + 1] = w1;
      words[i + 2] = w2;
      words[i + 3] = w3;
      return true;
    }
    return this.writeDescriptorChecked(address, w0, w1, w2, w3);
  }

  /** `writeDescriptor` through the full checks and the page map. */
  private writeDescriptorChecked(
    address: number,
    w0: number,
    w1: number,
    w2: number,
    w3: number,
  ): boolean {
    if (!aligned(address, 16)) return false;
    const frame = this.frameForWrite(pageOf(address));
    if (frame < 0) return false;
    const words = this.arenaWords[frame >>> ARENA_SHIFT]!;
    const i = wordIndex(frame, address);
    words[i] = w0;
    words[i + 1] = w1;
    words[i + 2] = w2;
    words[i + 3] = w3;
    return true;
  }

  /**
   * The frame of mapped page `pageNumber` to write, given one if it has none yet; UNMAPPED
   * when the page is not mapped.
   */
  private frameForWrite(pageNumber: number): number {
    const c = cacheIndex(pageNumber);
    if (this.cache[c] === pageNumber) return this.cache[c + 1]!;
    return this.frameForWriteSlow(pageNumber);
  }

  private frameForWriteSlow(pageNumber: number): number {
    let frame = this.pages.get(pageNumber);
    if (frame === undefined) return UNMAPPED;
    if (frame === UNTOUCHED) {
      frame = this.newFrame();
      this.pages.set(pageNumber, frame);
    }
    this.cachePage(pageNumber, frame);
    return frame;
  }

  /** The frame of page `pageNumber`: UNTOUCHED reads as zeros; UNMAPPED when not mapped. */
  private frameForRead(pageNumber: number): number {
    const c = cacheIndex(pageNumber);
    if (this.cache[c] === pageNumber) return this.cache[c + 1]!;
    const frame = this.pages.get(pageNumber);
    if (frame === undefined) return UNMAPPED;
    if (frame !== UNTOUCHED) this.cachePage(pageNumber, frame);
    return frame;
  }

  private cachePage(pageNumber: number, frame: number): void {
    const c = cacheIndex(pageNumber);
    this.cache[c] = pageNumber;
    this.cache[c + 1] = frame;
  }

  /** A zeroed page frame: a freed one if any, else the next of the last arena (a new one when full). */
  private newFrame(): number {
    const reused = this.freeFrames.pop();
    if (reused !== undefined) {
      const at = frameBase(reused);
      this.arenas[reused >>> ARENA_SHIFT]!.fill(0, at, at + PAGE_BYTES);
      return reused;
    }
    const frame = this.framesMade++;
    if ((frame & (ARENA_PAGES - 1)) === 0) {
      const buffer = new ArrayBuffer(ARENA_PAGES * PAGE_BYTES);
      this.arenas.push(new Uint8Array(buffer));
      this.arenaWords.push(new Uint32Array(buffer));
    }
    return frame;
  }
}

/** The index in its arena's words of the (4-byte aligned) `address`, which lies in page frame `frame`. */
function wordIndex(frame: number, address: number): number {
  return (frameBase(frame) + pageOffset(address)) >>> 2;
}

/** Where page frame `frame` starts in its arena. */
function frameBase(frame: number): number {
  return (frame & (ARENA_PAGES - 1)) << PAGE_SHIFT;
}

/**
 * Copies bytes: a plain loop for tiny runs; above 16 bytes `set` wins even with its view
 * object (measured: 60 bytes, 31 ns against 63 ns), and without one when the run is the
 * whole source array (a frame a wire source made: 11 ns).
 */
export function copyBytes(
  src: Uint8Array,
  srcOffset: number,
  dst: Uint8Array,
  dstOffset: number,
  length: number,
): void {
  if (length <= 16) {
    for (let i = 0; i < length; i++) dst[dstOffset + i] = src[srcOffset + i]!;
  } else if (srcOffset === 0 && length === src.length) {
    dst.set(src, dstOffset);
  } else {
    dst.set(src.subarray(srcOffset, srcOffset + length), dstOffset);
  }
}

/*
 * Addresses lie above 2^32, outside the small-integer range, so `address % n` would be a
 * floating-point remainder (a C library call in optimised code, the single largest cost of
 * a descriptor access when measured). The helpers below use a division, a floor and a
 * multiply-subtract instead, all exact for integers below 2^53.
 */

/** The number of the page holding `address`. */
function pageOf(address: number): number {
  return Math.floor(address / PAGE_BYTES);
}

/** Where `address` falls in its page (`address % PAGE_BYTES` for a non-negative address). */
function pageOffset(address: number): number {
  return address - Math.floor(address / PAGE_BYTES) * PAGE_BYTES;
}

/**
 * Where `address` falls in its page when [address, address + length) is a well-formed
 * run within that one page (the fast path of `read` and `write`); -1 otherwise. Written
 * so that NaN fails every test, and so does a fractional address or length, which the
 * typed-array copy would otherwise truncate into an access somewhere else: those take the
 * checked, page-by-page path.
 */
function offsetInOnePage(address: number, length: number): number {
  const inPage = pageOffset(address);
  const whole = (inPage | 0) === inPage && (length | 0) === length;
  return inPage + length <= PAGE_BYTES && length >= 0 && address >= 0 && whole ? inPage : -1;
}

/** True when `address` is a non-negative integer multiple of `alignment` (a power of two, at most a page). */
function aligned(address: number, alignment: number): boolean {
  const offset = pageOffset(address);
  // `offset | 0` differs from `offset` when the address is fractional, NaN or infinite.
  return address >= 0 && (offset | 0) === offset && (offset & (alignment - 1)) === 0;
}

/**
 * Where a page number's entry sits in the page cache: its low bits pick the slot, and a
 * slot is two numbers (tag, frame). Exact for every integer below 2^53.
 */
function cacheIndex(pageNumber: number): number {
  return (pageNumber & (CACHE_SLOTS - 1)) << 1;
}

function validRange(address: number, length: number): boolean {
  return (
    Number.isSafeInteger(address) && Number.isSafeInteger(length) && address >= 0 && length >= 0
  );
}
