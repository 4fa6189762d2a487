import { RETA_ENTRIES, RSS_KEY_BYTES } from "../hw/regs/map/rss.js";
import type { DriverRegisters } from "./registers.js";

/** NDIS RSS hash-type flags (NDIS_HASH_*), as a protocol asks for them. */
export const RSS_HASH = {
  IPV4: 0x100,
  TCP_IPV4: 0x200,
  IPV6: 0x400,
  IPV6_EX: 0x800,
  TCP_IPV6: 0x1000,
  TCP_IPV6_EX: 0x2000,
  UDP_IPV4: 0x4000,
  UDP_IPV6: 0x8000,
  UDP_IPV6_EX: 0x10000,
} as const;

/** Each NDIS flag and the MRQC field enabling the same hash (same names, by design). */
const MRQC_FIELDS = Object.keys(RSS_HASH) as (keyof typeof RSS_HASH)[];
/** Every NDIS hash type the device can compute. */
export const ALL_HASH_TYPES = MRQC_FIELDS.reduce((m, k) => m | RSS_HASH[k], 0);

/**
 * Microsoft's published verification key: the key RSS uses until a protocol sets one.
 * (Any 40 bytes work; this one makes hashes comparable with the published tables.)
 */
export const DEFAULT_RSS_KEY: readonly number[] = [
  0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
  0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
  0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
];

/** The indirection table sizes NDIS allows: powers of two up to the device's 128 entries. */
export function indirectionProblem(table: readonly number[], retaEntries: number): string | null {
  const n = table.length;
  if (n < 1 || n > retaEntries || (n & (n - 1)) !== 0) {
    return `indirection table of ${n} entries: must be a power of two, 1..${retaEntries}`;
  }
  return null;
}

/** Why `hashTypes` cannot be programmed, or null. */
export function hashTypesProblem(hashTypes: number): string | null {
  if (!Number.isInteger(hashTypes) || hashTypes < 0 || (hashTypes & ~ALL_HASH_TYPES) !== 0) {
    return `hash types 0x${hashTypes.toString(16)}: only the NDIS_HASH_* flags are known`;
  }
  return null;
}

/** Why `key` cannot be the secret key, or null. */
export function keyProblem(key: readonly number[], keyBytes: number): string | null {
  if (key.length !== keyBytes) return `RSS key of ${key.length} bytes: must be ${keyBytes}`;
  if (!key.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return "RSS key bytes are integers 0..255";
  }
  return null;
}

/**
 * RSS as the device holds it: the key (RSSRK), the 128-entry redirection table of queues
 * (RETA) and the hash types with the enable (MRQC). The RETA has 128 entries and the
 * device indexes it with the low 7 bits of the hash; an NDIS table of n entries (a power
 * of two) is indexed with the low log2(n) bits, so repeating it 128/n times gives the same
 * choice for every hash.
 */
export class RssProgram {
  private readonly regs: DriverRegisters;
  readonly keyBytes = RSS_KEY_BYTES;
  readonly retaEntries = RETA_ENTRIES;

  constructor(regs: DriverRegisters) {
    this.regs = regs;
  }

  /** Writes the secret key: byte 4n in bits 7:0 of RSSRK(n). */
  writeKey(key: readonly number[]): void {
    for (let n = 0; n < this.keyBytes / 4; n++) {
      const b = (i: number) => key[4 * n + i] ?? 0;
      this.regs.write("RSSRK", (b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24)) >>> 0, n);
    }
  }

  /** Writes the redirection table from an NDIS-sized table of queues. */
  writeTable(queues: readonly number[]): void {
    for (let n = 0; n < this.retaEntries / 4; n++) {
      const entry = (i: number) => queues[(4 * n + i) % queues.length] ?? 0;
      this.regs.writeFields(
        "RETA",
        { ENTRY0: entry(0), ENTRY1: entry(1), ENTRY2: entry(2), ENTRY3: entry(3) },
        n,
      );
    }
  }

  /** The redirection table as the device holds it: the queue of each of its entries. */
  readTable(): number[] {
    const out: number[] = [];
    for (let n = 0; n < this.retaEntries / 4; n++) {
      for (let e = 0; e < 4; e++) out.push(this.regs.readField("RETA", `ENTRY${e}`, n));
    }
    return out;
  }

  /** Writes MRQC: the hash types, and RSS on when any is set (else the default queue). */
  writeHashTypes(hashTypes: number): void {
    const fields: Record<string, number> = { MRQE: hashTypes === 0 ? 0 : 1 };
    for (const name of MRQC_FIELDS) if ((hashTypes & RSS_HASH[name]) !== 0) fields[name] = 1;
    this.regs.writeFields("MRQC", fields);
  }
}
