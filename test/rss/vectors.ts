/**
 * The published Toeplitz verification vectors, and helpers the RSS tests share.
 *
 * Source: Microsoft, "Verifying the RSS Hash Calculation" (Windows driver documentation,
 * learn.microsoft.com/windows-hardware/drivers/network/verifying-the-rss-hash-calculation;
 * MicrosoftDocs/windows-driver-docs, windows-driver-docs-pr/network/
 * verifying-the-rss-hash-calculation.md). The same key and table appear in the 82599
 * datasheet's "RSS Verification Suite" and in DPDK's app/test/test_thash.c, which agree.
 *
 * The published table lists the destination first; the hash input still starts with the
 * source: source address, destination address, source port, destination port.
 */

/** The verification key (40 bytes), as published. */
export const MS_VERIFICATION_KEY = Uint8Array.from([
  0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
  0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
  0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
]);

export interface RssVector {
  readonly dst: string;
  readonly dstPort: number;
  readonly src: string;
  readonly srcPort: number;
  /** The hash of the address pair ("IPv4 only" / "IPv6 only"). */
  readonly addrHash: number;
  /** The hash of the 4-tuple ("IPv4 with TCP" / "IPv6 with TCP"). */
  readonly tupleHash: number;
}

/** The IPv4 table, in the published column order (destination, source). */
export const IPV4_VECTORS: readonly RssVector[] = [
  {
    dst: "161.142.100.80",
    dstPort: 1766,
    src: "66.9.149.187",
    srcPort: 2794,
    addrHash: 0x323e8fc2,
    tupleHash: 0x51ccc178,
  },
  {
    dst: "65.69.140.83",
    dstPort: 4739,
    src: "199.92.111.2",
    srcPort: 14230,
    addrHash: 0xd718262a,
    tupleHash: 0xc626b0ea,
  },
  {
    dst: "12.22.207.184",
    dstPort: 38024,
    src: "24.19.198.95",
    srcPort: 12898,
    addrHash: 0xd2d0a5de,
    tupleHash: 0x5c2b394a,
  },
  {
    dst: "209.142.163.6",
    dstPort: 2217,
    src: "38.27.205.30",
    srcPort: 48228,
    addrHash: 0x82989176,
    tupleHash: 0xafc7327f,
  },
  {
    dst: "202.188.127.2",
    dstPort: 1303,
    src: "153.39.163.191",
    srcPort: 44251,
    addrHash: 0x5d1809c5,
    tupleHash: 0x10e828a2,
  },
];

/** The IPv6 table, in the published column order (destination, source). */
export const IPV6_VECTORS: readonly RssVector[] = [
  {
    dst: "3ffe:2501:200:3::1",
    dstPort: 1766,
    src: "3ffe:2501:200:1fff::7",
    srcPort: 2794,
    addrHash: 0x2cc18cd5,
    tupleHash: 0x40207d3d,
  },
  {
    dst: "ff02::1",
    dstPort: 4739,
    src: "3ffe:501:8::260:97ff:fe40:efab",
    srcPort: 14230,
    addrHash: 0x0f0c461c,
    tupleHash: 0xdde51bbf,
  },
  {
    dst: "fe80::200:f8ff:fe21:67cf",
    dstPort: 38024,
    src: "3ffe:1900:4545:3:200:f8ff:fe21:67cf",
    srcPort: 44251,
    addrHash: 0x4b61e985,
    tupleHash: 0x02d1feef,
  },
];

/** Dotted-quad IPv4 text to its 4 bytes. */
export function ipv4Bytes(text: string): number[] {
  const parts = text.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`bad IPv4 address ${text}`);
  }
  return parts;
}

/** IPv6 text (groups of hex, at most one "::") to its 16 bytes. */
export function ipv6Bytes(text: string): number[] {
  const halves = text.split("::");
  if (halves.length > 2) throw new Error(`bad IPv6 address ${text}`);
  const groups = (s: string | undefined): number[] =>
    s === undefined || s === "" ? [] : s.split(":").map((g) => Number.parseInt(g, 16));
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const zeros = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...new Array<number>(zeros).fill(0), ...tail];
  if (all.length !== 8 || all.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) {
    throw new Error(`bad IPv6 address ${text}`);
  }
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** A port as its 2 bytes, most significant first. */
export function portBytes(port: number): number[] {
  return [port >> 8, port & 0xff];
}

/**
 * An independent Toeplitz, straight from the definition with BigInt: the key is one big
 * number of 8 * key.length bits; for input bit i (0 = most significant bit of byte 0), if
 * set, XOR the result with the leftmost 32 bits of the key shifted left by i.
 */
export function referenceToeplitz(key: Uint8Array, input: ArrayLike<number>): number {
  const keyBits = BigInt(key.length * 8);
  let k = 0n;
  for (const byte of key) k = (k << 8n) | BigInt(byte);
  let result = 0n;
  for (let i = 0; i < input.length * 8; i++) {
    const byte = input[i >> 3] ?? 0;
    if ((byte >> (7 - (i & 7))) & 1) {
      result ^= (k >> (keyBits - 32n - BigInt(i))) & 0xffff_ffffn;
    }
  }
  return Number(result);
}
