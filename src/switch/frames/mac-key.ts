import type { MacAddress } from "../../driver/filters.js";

const TWO_32 = 0x1_0000_0000;

/**
 * A MAC address as one number (48 bits fit a double exactly), so the forwarding table
 * looks frames up without building a string or an array per frame.
 */
export type MacKey = number;

/** The key of the address at `offset` in `bytes` (a frame's destination is at 0, source at 6). */
export function macKeyAt(bytes: Uint8Array, offset: number): MacKey {
  const high = (bytes[offset]! << 8) | bytes[offset + 1]!;
  const low =
    ((bytes[offset + 2]! << 24) |
      (bytes[offset + 3]! << 16) |
      (bytes[offset + 4]! << 8) |
      bytes[offset + 5]!) >>>
    0;
  return high * TWO_32 + low;
}

export function macKeyOf(mac: MacAddress): MacKey {
  return macKeyAt(Uint8Array.from(mac), 0);
}

/** True for a group address (multicast or broadcast): the I/G bit, the first bit on the wire. */
export function isGroupAt(bytes: Uint8Array, offset: number): boolean {
  return (bytes[offset]! & 1) !== 0;
}
