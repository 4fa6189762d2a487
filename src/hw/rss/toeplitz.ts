/**
 * The Toeplitz hash RSS uses (NdisHashFunctionToeplitz; the 82599's RSS hash).
 *
 * Definition (Microsoft's "RSS hashing functions", Intel's datasheets): the key K and the
 * input are bit strings read from the most significant bit of their first byte. For each
 * input bit from left to right: if the bit is 1, XOR the result with the leftmost 32 bits
 * of K; then shift K left one bit. The result is an unsigned 32-bit number.
 *
 * Input bit `b` (counting from 0 at the left) therefore meets key bits `b .. b + 31`, so an
 * input of `n` bytes reads key bytes `0 .. n + 3`: a key must be at least `n + 4` bytes and
 * only its first `n + 4` bytes matter. RSS inputs are at most 36 bytes (IPv6 addresses and
 * ports), hence the classic 40-byte key; the model also takes longer keys, up to 52 bytes
 * (as some later NICs hold), whose extra bytes a 36-byte input never reaches.
 *
 * Three forms, all giving the same number:
 * - `toeplitzHash(key, input)`: the public form tools and tests use.
 * - `toeplitzHashAt(key, bytes, offset, length)`: no allocation, one byte of input per
 *   step with a sliding 32-bit key window; for occasional hashing with a changing key.
 * - `ToeplitzTable.hashTuple`: per input byte position, a 256-entry table of 32-bit
 *   contributions, built from the key once when the key changes; a hash is then one
 *   lookup and one XOR per input byte, read where the addresses and ports lie in the
 *   frame. The device's hot path uses this.
 */

/** The shortest key the model accepts: 36 input bytes (IPv6 with ports) plus 4. */
export const TOEPLITZ_MIN_KEY_BYTES = 40;
/** The longest key the model accepts. */
export const TOEPLITZ_MAX_KEY_BYTES = 52;
/** The longest RSS input: IPv6 source and destination addresses, source and destination ports. */
export const RSS_MAX_INPUT_BYTES = 36;

/** Key bytes that an input of `inputLength` bytes reaches: the input's length plus 4. */
export function toeplitzKeyBytesNeeded(inputLength: number): number {
  return inputLength + 4;
}

function checkKeyCovers(key: Uint8Array, inputLength: number): void {
  if (key.length < inputLength + 4) {
    throw new RangeError(
      `toeplitz: a ${inputLength}-byte input needs a key of at least ${inputLength + 4} bytes, ` +
        `got ${key.length}`,
    );
  }
}

function checkSpan(bytes: Uint8Array, offset: number, length: number): void {
  if (
    !Number.isInteger(offset) ||
    !Number.isInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > bytes.length
  ) {
    throw new RangeError(
      `toeplitz: input span [${offset}, ${offset + length}) is outside a ${bytes.length}-byte array`,
    );
  }
}

/**
 * The Toeplitz hash of `input` under `key`, an unsigned 32-bit number.
 * Only the first `input.length + 4` bytes of `key` matter; a shorter key is a RangeError.
 */
export function toeplitzHash(key: Uint8Array, input: Uint8Array): number {
  return toeplitzHashAt(key, input, 0, input.length);
}

/**
 * The Toeplitz hash of `bytes[offset .. offset + length)` under `key`, without allocating.
 *
 * `window` holds key bits `8i .. 8i + 31` while input byte `i` is processed; input bit `j`
 * of that byte (0 = most significant) meets key bits `8i + j .. 8i + j + 31`, which are
 * `window` shifted left by `j` with the top `j` bits of key byte `i + 4` shifted in.
 */
export function toeplitzHashAt(
  key: Uint8Array,
  bytes: Uint8Array,
  offset: number,
  length: number,
): number {
  checkKeyCovers(key, length);
  checkSpan(bytes, offset, length);
  let result = 0;
  let window = (key[0]! << 24) | (key[1]! << 16) | (key[2]! << 8) | key[3]!;
  for (let i = 0; i < length; i++) {
    const b = bytes[offset + i]!;
    const next = key[i + 4]!;
    if (b !== 0) {
      if (b & 0x80) result ^= window;
      if (b & 0x40) result ^= (window << 1) | (next >>> 7);
      if (b & 0x20) result ^= (window << 2) | (next >>> 6);
      if (b & 0x10) result ^= (window << 3) | (next >>> 5);
      if (b & 0x08) result ^= (window << 4) | (next >>> 4);
      if (b & 0x04) result ^= (window << 5) | (next >>> 3);
      if (b & 0x02) result ^= (window << 6) | (next >>> 2);
      if (b & 0x01) result ^= (window << 7) | (next >>> 1);
    }
    window = (window << 8) | next;
  }
  return result >>> 0;
}

/**
 * Precomputed Toeplitz tables for one key: for each input byte position `p` and byte value
 * `v`, the XOR of the key windows that the set bits of `v` select at position `p`. The hash
 * of an input is the XOR of `table[p][input[p]]` over its bytes (the hash is linear in the
 * input bits, so the contributions of separate bytes simply XOR together).
 *
 * The storage (48 positions x 256 entries x 4 bytes = 48 KiB) is allocated once; `setKey`
 * rebuilds it in place when software writes a new key. Keys of 40 to 52 bytes: a key of
 * `k` bytes fills `k - 4` positions, and an RSS input reads at most 36 of them.
 */
export class ToeplitzTable {
  private readonly table = new Uint32Array((TOEPLITZ_MAX_KEY_BYTES - 4) * 256);
  private readonly windows = new Int32Array(8);

  /** Tables for `key` (40 to 52 bytes). */
  constructor(key: Uint8Array) {
    this.setKey(key);
  }

  /** Rebuilds the tables for a new key (40 to 52 bytes), reusing the storage. */
  setKey(key: Uint8Array): void {
    if (key.length < TOEPLITZ_MIN_KEY_BYTES || key.length > TOEPLITZ_MAX_KEY_BYTES) {
      throw new RangeError(
        `toeplitz: keys are ${TOEPLITZ_MIN_KEY_BYTES} to ${TOEPLITZ_MAX_KEY_BYTES} bytes, ` +
          `got ${key.length}`,
      );
    }
    const positions = key.length - 4;
    const table = this.table;
    const windows = this.windows;
    let window = (key[0]! << 24) | (key[1]! << 16) | (key[2]! << 8) | key[3]!;
    for (let p = 0; p < positions; p++) {
      const next = key[p + 4]!;
      // windows[j]: the key window that bit j of the byte (0 = most significant) selects.
      windows[0] = window;
      for (let j = 1; j < 8; j++) windows[j] = (window << j) | (next >>> (8 - j));
      const base = p * 256;
      table[base] = 0;
      for (let v = 1; v < 256; v++) {
        const low = v & -v; // the lowest set bit, i.e. bit j = 7 - log2(low)
        table[base + v] = table[base + (v ^ low)]! ^ windows[7 - (31 - Math.clz32(low))]!;
      }
      window = (window << 8) | next;
    }
  }

  /**
   * The hash of an RSS input read where it lies in a frame: the source address
   * (`addressBytes` long, at `srcOffset`), the destination address (at `dstOffset`) and,
   * when `portsOffset` is not -1, the 4 bytes of source and destination port there. The
   * device's per-frame form: no range checks (the parser has bounded every offset; a
   * caller that has not must check them), one lookup and XOR per input byte.
   * Returns the unsigned 32-bit hash.
   */
  hashTuple(
    bytes: Uint8Array,
    srcOffset: number,
    dstOffset: number,
    addressBytes: number,
    portsOffset: number,
  ): number {
    if (addressBytes === 4) return this.hashIpv4(bytes, srcOffset, dstOffset, portsOffset);
    const table = this.table;
    let result = 0;
    for (let i = 0; i < addressBytes; i++) {
      result ^=
        table[(i << 8) | bytes[srcOffset + i]!]! ^
        table[((addressBytes + i) << 8) | bytes[dstOffset + i]!]!;
    }
    if (portsOffset !== -1) result ^= this.portsContribution(bytes, portsOffset, 2 * addressBytes);
    return result >>> 0;
  }

  /** `hashTuple` for IPv4, unrolled: the most common frame, at fixed table positions. */
  private hashIpv4(bytes: Uint8Array, src: number, dst: number, portsOffset: number): number {
    const t = this.table;
    let result =
      t[bytes[src]!]! ^
      t[0x100 | bytes[src + 1]!]! ^
      t[0x200 | bytes[src + 2]!]! ^
      t[0x300 | bytes[src + 3]!]! ^
      t[0x400 | bytes[dst]!]! ^
      t[0x500 | bytes[dst + 1]!]! ^
      t[0x600 | bytes[dst + 2]!]! ^
      t[0x700 | bytes[dst + 3]!]!;
    if (portsOffset !== -1) result ^= this.portsContribution(bytes, portsOffset, 8);
    return result >>> 0;
  }

  /** What the 4 port bytes at `portsOffset` contribute at input position `at`. */
  private portsContribution(bytes: Uint8Array, portsOffset: number, at: number): number {
    const t = this.table;
    return (
      t[(at << 8) | bytes[portsOffset]!]! ^
      t[((at + 1) << 8) | bytes[portsOffset + 1]!]! ^
      t[((at + 2) << 8) | bytes[portsOffset + 2]!]! ^
      t[((at + 3) << 8) | bytes[portsOffset + 3]!]!
    );
  }
}
