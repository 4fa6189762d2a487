/**
 * Host memory: the memory the driver allocates descriptor rings and buffers from and the
 * NIC reaches only by DMA.
 *
 * Sparse and page-granular: an allocation maps whole 4 KiB pages, and a page takes real
 * memory only when first written (with the other pages of its 64 KiB slab), so a
 * multi-GiB address space costs nothing until used.
 * Mapping is what an IOMMU would enforce: an access to a page no allocation mapped fails
 * (the DMA engine turns that into a DMA fault), never throws. Allocations start above
 * 4 GiB so that drivers must program both halves of 64-bit addresses.
 */
export const PAGE_BYTES = 4096;
const FIRST_ADDRESS = 0x1_0000_0000;
const ZERO_PAGE = new Uint8Array(PAGE_BYTES);
const ZERO_PAGE_WORDS = new DataView(ZERO_PAGE.buffer);
/**
 * Page cache slots: a power of two (a slot is a page number's low bits). 8192 slots cover
 * 32 MiB of contiguous allocations, so a data path cycling through every buffer of
 * several rings still hits the cache.
 */
const CACHE_SLOTS = 8192;
/**
 * Pages are cut from slabs of this many pages: making a typed array's memory costs far
 * more than a view over part of it (measured: 8192 pages one by one, 19 ms; from 64 KiB
 * slabs, 4 ms). The price is that a slab's memory is allocated with its first page.
 */
const SLAB_PAGES = 16;

/** One allocation: where it starts and how many bytes it maps (whole pages). */
interface Region {
  readonly address: number;
  readonly bytes: number;
}

/** A page's bytes, and a view of them for whole-word accesses (one load or store per word). */
interface Page {
  readonly bytes: Uint8Array;
  readonly words: DataView;
}

export class HostMemory {
  /** Mapped pages by page number; null until first written (reads see zeros). */
  private readonly pages = new Map<number, Page | null>();
  private readonly regions = new Map<number, Region>();
  private nextAddress = FIRST_ADDRESS;
  /**
   * A direct-mapped cache of materialised pages (slot = page number mod CACHE_SLOTS), so
   * the data path's alternating ring and buffer accesses rarely reach the map.
   */
  private readonly cacheTags = new Float64Array(CACHE_SLOTS).fill(-1);
  private readonly cachePages: (Uint8Array | null)[] = new Array(CACHE_SLOTS).fill(null);
  private readonly cacheWords: (DataView | null)[] = new Array(CACHE_SLOTS).fill(null);
  /** The slab new pages are cut from, and how many of its pages are taken. */
  private slab = new ArrayBuffer(0);
  private slabPagesTaken = SLAB_PAGES;

  /** Bytes of pages currently mapped. */
  get mappedBytes(): number {
    return this.pages.size * PAGE_BYTES;
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
    for (let i = 0; i < pageCount; i++) this.pages.set(first + i, null);
    this.regions.set(address, { address, bytes: pageCount * PAGE_BYTES });
    return address;
  }

  /** Unmaps the allocation that starts at `address`; returns false if there is none. */
  free(address: number): boolean {
    const region = this.regions.get(address);
    if (region === undefined) return false;
    const first = address / PAGE_BYTES;
    for (let i = 0; i < region.bytes / PAGE_BYTES; i++) this.pages.delete(first + i);
    this.regions.delete(address);
    this.cacheTags.fill(-1);
    this.cachePages.fill(null);
    this.cacheWords.fill(null);
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
    const inPage = pageOffset(address);
    const wholeBytes = (inPage | 0) === inPage && (length | 0) === length;
    if (inPage + length <= PAGE_BYTES && length >= 0 && address >= 0 && wholeBytes) {
      // The common case, one page: no range walk.
      const page = this.pageForRead(pageOf(address));
      if (page === undefined) return false;
      dst.set(page.subarray(inPage, inPage + length), dstOffset);
      return true;
    }
    if (!this.isMapped(address, length)) return false;
    let done = 0;
    while (done < length) {
      const at = address + done;
      const inPage = pageOffset(at);
      const n = Math.min(length - done, PAGE_BYTES - inPage);
      const page = this.pages.get(pageOf(at))?.bytes ?? ZERO_PAGE;
      dst.set(page.subarray(inPage, inPage + n), dstOffset + done);
      done += n;
    }
    return true;
  }

  /** Copies `src[srcOffset..srcOffset+length)` to `address`. False (nothing written) if unmapped. */
  write(address: number, src: Uint8Array, srcOffset: number, length: number): boolean {
    const inPage = pageOffset(address);
    // Negated so that NaN takes the checked path; so does a fractional address or length,
    // which the typed-array copy would otherwise truncate into a write somewhere else.
    const whole = (inPage | 0) === inPage && (length | 0) === length;
    if (!(inPage + length <= PAGE_BYTES && length >= 0 && address >= 0 && whole)) {
      return this.writeAcrossPages(address, src, srcOffset, length);
    }
    // The common case, one page: no range walk, and small copies without a view object.
    const page = this.pageForWrite(pageOf(address));
    if (page === null) return false;
    copyBytes(src, srcOffset, page, inPage, length);
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
      this.writablePage(pageOf(at)).set(
        src.subarray(srcOffset + done, srcOffset + done + n),
        inPage,
      );
      done += n;
    }
    return true;
  }

  /** Reads a little-endian 32-bit word (4-byte aligned). Returns -1 when unmapped. */
  readU32(address: number): number {
    const words = this.wordsForRead(address);
    if (words === undefined) return -1;
    return words.getUint32(pageOffset(address), true);
  }

  /** Writes a little-endian 32-bit word (4-byte aligned). Returns false when unmapped. */
  writeU32(address: number, value: number): boolean {
    if (!aligned(address, 4)) return false;
    const words = this.wordsForWrite(pageOf(address));
    if (words === null) return false;
    words.setUint32(pageOffset(address), value, true);
    return true;
  }

  /** Reads a little-endian 64-bit value (8-byte aligned, below 2^53). Returns -1 when unmapped. */
  readU64(address: number): number {
    if (!aligned(address, 8)) return this.readU64Unaligned(address);
    const words = this.wordsForRead(address);
    if (words === undefined) return -1;
    const i = pageOffset(address);
    return words.getUint32(i + 4, true) * 0x1_0000_0000 + words.getUint32(i, true);
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
    const words = this.wordsForWrite(pageOf(address));
    if (words === null) return false;
    const i = pageOffset(address);
    words.setUint32(i, low, true);
    words.setUint32(i + 4, high, true);
    return true;
  }

  /**
   * Writes a 16-byte descriptor as four little-endian dwords with one page lookup.
   * `address` is 16-byte aligned. Returns false when unmapped.
   */
  writeDescriptor(address: number, w0: number, w1: number, w2: number, w3: number): boolean {
    if (!aligned(address, 16)) return false;
    const words = this.wordsForWrite(pageOf(address));
    if (words === null) return false;
    const i = pageOffset(address);
    words.setUint32(i, w0, true);
    words.setUint32(i + 4, w1, true);
    words.setUint32(i + 8, w2, true);
    words.setUint32(i + 12, w3, true);
    return true;
  }

  /** The page to write, materialised if untouched, or null when unmapped. */
  private pageForWrite(pageNumber: number): Uint8Array | null {
    const slot = cacheSlot(pageNumber);
    if (this.cacheTags[slot] === pageNumber) return this.cachePages[slot]!;
    if (!this.pages.has(pageNumber)) return null;
    return this.cachePages[this.cacheWritable(pageNumber)]!;
  }

  /** The page to read (zeros for a mapped page never written), or undefined when unmapped. */
  private pageForRead(pageNumber: number): Uint8Array | undefined {
    const slot = cacheSlot(pageNumber);
    if (this.cacheTags[slot] === pageNumber) return this.cachePages[slot]!;
    const page = this.pages.get(pageNumber);
    if (page === undefined) return undefined;
    if (page === null) return ZERO_PAGE;
    this.cachePage(pageNumber, page);
    return page.bytes;
  }

  /** `pageForWrite` as a view for whole-word stores. */
  private wordsForWrite(pageNumber: number): DataView | null {
    const slot = cacheSlot(pageNumber);
    if (this.cacheTags[slot] === pageNumber) return this.cacheWords[slot]!;
    if (!this.pages.has(pageNumber)) return null;
    return this.cacheWords[this.cacheWritable(pageNumber)]!;
  }

  /**
   * A view of the page holding `address` (4-byte aligned) for whole-word loads: zeros for
   * a mapped page never written, undefined when unmapped or unaligned.
   */
  private wordsForRead(address: number): DataView | undefined {
    if (!aligned(address, 4)) return undefined;
    const pageNumber = pageOf(address);
    const slot = cacheSlot(pageNumber);
    if (this.cacheTags[slot] === pageNumber) return this.cacheWords[slot]!;
    const page = this.pages.get(pageNumber);
    if (page === undefined) return undefined;
    if (page === null) return ZERO_PAGE_WORDS;
    this.cachePage(pageNumber, page);
    return page.words;
  }

  private writablePage(pageNumber: number): Uint8Array {
    const slot = cacheSlot(pageNumber);
    if (this.cacheTags[slot] === pageNumber) return this.cachePages[slot]!;
    return this.cachePages[this.cacheWritable(pageNumber)]!;
  }

  /** Caches mapped page `pageNumber`, materialising it if untouched; returns its slot. */
  private cacheWritable(pageNumber: number): number {
    let page = this.pages.get(pageNumber) ?? null;
    if (page === null) {
      page = this.newPage();
      this.pages.set(pageNumber, page);
    }
    return this.cachePage(pageNumber, page);
  }

  private cachePage(pageNumber: number, page: Page): number {
    const slot = cacheSlot(pageNumber);
    this.cacheTags[slot] = pageNumber;
    this.cachePages[slot] = page.bytes;
    this.cacheWords[slot] = page.words;
    return slot;
  }

  /** A zeroed page, cut from the current slab (a new one when it is used up). */
  private newPage(): Page {
    if (this.slabPagesTaken === SLAB_PAGES) {
      this.slab = new ArrayBuffer(SLAB_PAGES * PAGE_BYTES);
      this.slabPagesTaken = 0;
    }
    const offset = this.slabPagesTaken++ * PAGE_BYTES;
    return {
      bytes: new Uint8Array(this.slab, offset, PAGE_BYTES),
      words: new DataView(this.slab, offset, PAGE_BYTES),
    };
  }
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

/** True when `address` is a non-negative integer multiple of `alignment` (a power of two, at most a page). */
function aligned(address: number, alignment: number): boolean {
  const offset = pageOffset(address);
  // `offset | 0` differs from `offset` when the address is fractional, NaN or infinite.
  return address >= 0 && (offset | 0) === offset && (offset & (alignment - 1)) === 0;
}

/** The page cache slot of a page number: its low bits (exact for every integer below 2^53). */
function cacheSlot(pageNumber: number): number {
  return pageNumber & (CACHE_SLOTS - 1);
}

function validRange(address: number, length: number): boolean {
  return (
    Number.isSafeInteger(address) && Number.isSafeInteger(length) && address >= 0 && length >= 0
  );
}
