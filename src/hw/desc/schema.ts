/**
 * Descriptor formats as data, like the register map: the engines take their bit
 * positions from these definitions, and the reference documents them from the same.
 * A descriptor is 16 bytes, four little-endian 32-bit dwords.
 */
export interface DescriptorField {
  readonly name: string;
  /** Which 32-bit dword (0-3) of the descriptor. */
  readonly dword: 0 | 1 | 2 | 3;
  readonly msb: number;
  readonly lsb: number;
  readonly desc: string;
  /** Named values of the field, for the reference and the C header (field units, not shifted). */
  readonly enum?: readonly DescriptorFieldValue[];
}

/** One named value of a descriptor field. */
export interface DescriptorFieldValue {
  readonly value: number;
  readonly name: string;
  readonly desc: string;
}

export interface DescriptorFormat {
  readonly name: string;
  readonly title: string;
  readonly desc: string;
  /** Who writes this format: software for the device to read, or the device (write-back). */
  readonly writer: "software" | "device";
  readonly compat: string;
  readonly fields: readonly DescriptorField[];
}

export const DESCRIPTOR_BYTES = 16;
/** Dwords in a descriptor. */
export const DESCRIPTOR_DWORDS = DESCRIPTOR_BYTES / 4;
/** Bits in a dword, numbered 0 (least significant) to 31. */
export const DWORD_BITS = 32;

/** A field's position, ready for the hot path. */
export interface FieldPosition {
  /** Byte offset of the field's dword within the descriptor. */
  readonly byte: number;
  readonly shift: number;
  /** The in-place mask within the dword. */
  readonly mask: number;
}

/** The position of field `name` of `format`; throws if there is none (a model bug). */
export function fieldPosition(format: DescriptorFormat, name: string): FieldPosition {
  const field = format.fields.find((f) => f.name === name);
  if (field === undefined) throw new Error(`descriptor ${format.name} has no field ${name}`);
  const width = field.msb - field.lsb + 1;
  const ones = width >= 32 ? 0xffff_ffff : (1 << width) - 1;
  return { byte: field.dword * 4, shift: field.lsb, mask: (ones << field.lsb) >>> 0 };
}
