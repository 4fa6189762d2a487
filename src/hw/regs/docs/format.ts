import { instanceCount, type RegisterDef } from "../schema.js";

/** `value` as upper-case hex with a `0x` prefix, zero-padded to `digits`. */
export function hex(value: number, digits = 1): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(digits, "0")}`;
}

/** A register value: always eight digits, so every reset reads the same width. */
export function hex32(value: number): string {
  return hex(value, 8);
}

/** A BAR offset: five digits, as the 82599 datasheet writes them (the BAR is 128 KiB). */
export function hexOffset(offset: number): string {
  return hex(offset, 5);
}

/** A bit range as the field tables write it: `[31:27]`, or `[26]` for one bit. */
export function bitsLabel(msb: number, lsb: number): string {
  return msb === lsb ? `[${msb}]` : `[${msb}:${lsb}]`;
}

/** Where a register lives: `0x00010`, or `0x01000 + n*0x40, n = 0..127` for an array. */
export function offsetText(reg: RegisterDef): string {
  if (instanceCount(reg) === 1) return hexOffset(reg.offset);
  return `${hexOffset(reg.offset)} + n*${hex(reg.stride ?? 0)}, n = 0..${instanceCount(reg) - 1}`;
}
