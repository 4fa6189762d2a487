/**
 * The register map as data. Every register the NIC has is one `RegisterDef`; the
 * model's decoder (`RegisterFile`), the register reference (`docs/registers.md`) and
 * the C header (`include/nicsim_regs.h`) are all built from the same definitions, and
 * nothing else in the project spells an offset.
 */

/**
 * How software sees a field. Closed and complete: every bit of every register is one
 * of these, or reserved (bits no field covers).
 *
 * - `rw`   read/write.
 * - `ro`   read-only; writes are ignored; hardware may change it.
 * - `wo`   write-only; reads return 0; the write's effect is its side effect.
 * - `w1c`  hardware sets; software writes 1 to clear, 0 leaves the bit alone.
 * - `w1s`  software writes 1 to set, 0 leaves the bit alone; hardware may clear.
 * - `sc`   self-clearing: software writes 1 to start an action; the bit reads 1 until
 *          hardware finishes and clears it; writing 0 does nothing.
 * - `rc`   hardware sets; a read returns the value and clears it.
 * - `cnt`  statistics counter: hardware increments, saturating at its width; a read
 *          returns and clears it (64-bit counters: see `CounterDef`).
 */
export type FieldAccess = "rw" | "ro" | "wo" | "w1c" | "w1s" | "sc" | "rc" | "cnt";

/** Every access kind, in the order the reference lists them. */
export const FIELD_ACCESS_KINDS: readonly FieldAccess[] = [
  "rw",
  "ro",
  "wo",
  "w1c",
  "w1s",
  "sc",
  "rc",
  "cnt",
];

/** One named value of an enumerated field. */
export interface EnumValue {
  readonly value: number;
  readonly name: string;
  readonly desc: string;
}

/** A field: bits `[msb:lsb]` of a register. */
export interface FieldDef {
  readonly name: string;
  readonly msb: number;
  readonly lsb: number;
  readonly access: FieldAccess;
  /** Value after reset, in field units (not shifted). Default 0. */
  readonly reset?: number;
  readonly desc: string;
  readonly enum?: readonly EnumValue[];
}

/**
 * A statistics counter register. 32-bit counters are one register. A 64-bit counter is
 * two registers, the low half at the lower offset: reading the low half returns it,
 * latches the high half into a shadow and clears the whole counter; reading the high
 * half returns the shadow. So a driver that reads low then high gets one consistent
 * 64-bit value, and nothing counted between the two reads is lost.
 */
export interface CounterDef {
  readonly width: 32 | 64;
  /** For 64-bit counters: which half this register is. */
  readonly half?: "low" | "high";
  /** For 64-bit counters: the name of the counter the two halves make up. */
  readonly pair?: string;
}

/** One register, or an array of identical registers (per queue, per vector). */
export interface RegisterDef {
  readonly name: string;
  /** Byte offset of instance 0 in the BAR. A multiple of 4. */
  readonly offset: number;
  /** Number of instances (default 1). */
  readonly count?: number;
  /** Bytes between instances (required when `count` > 1). */
  readonly stride?: number;
  /** Which block of the device the register belongs to ("device", "interrupts"...). */
  readonly group: string;
  /** A one-line title. */
  readonly title: string;
  /** What the register is for, in sentences. */
  readonly desc: string;
  /** What reading or writing it does beyond storing bits, in words. */
  readonly sideEffects?: string;
  /** How it relates to the Intel 82599 family, or how nicsim deviates. */
  readonly compat?: string;
  readonly fields: readonly FieldDef[];
  readonly counter?: CounterDef;
}

/** A register block's title and introduction, for the reference. */
export interface RegisterGroup {
  readonly name: string;
  readonly title: string;
  readonly desc: string;
}

/** Width of every register, in bits. */
export const REGISTER_BITS = 32;

/** The number of instances of `reg` (1 for a plain register). */
export function instanceCount(reg: RegisterDef): number {
  return reg.count ?? 1;
}

/** The byte offset of instance `n` of `reg`. */
export function instanceOffset(reg: RegisterDef, n: number): number {
  return reg.offset + n * (reg.stride ?? 0);
}

/** The mask of bits `[msb:lsb]`, as an unsigned 32-bit number. */
export function fieldMask(field: Pick<FieldDef, "msb" | "lsb">): number {
  const width = field.msb - field.lsb + 1;
  const ones = width >= 32 ? 0xffff_ffff : (1 << width) - 1;
  return (ones << field.lsb) >>> 0;
}

/** The largest value a field can hold. */
export function fieldMaxValue(field: Pick<FieldDef, "msb" | "lsb">): number {
  return fieldMask(field) >>> field.lsb;
}

/** The register's value after reset, assembled from its fields' resets. */
export function registerResetValue(reg: RegisterDef): number {
  let value = 0;
  for (const field of reg.fields) {
    value = (value | (((field.reset ?? 0) << field.lsb) & fieldMask(field))) >>> 0;
  }
  return value >>> 0;
}

/** The bits that reset defines: every bit a field covers (reserved bits read 0). */
export function registerResetMask(reg: RegisterDef): number {
  return accessMask(reg, () => true);
}

/** The union of the masks of fields whose access satisfies `pick`. */
export function accessMask(reg: RegisterDef, pick: (access: FieldAccess) => boolean): number {
  let mask = 0;
  for (const field of reg.fields) if (pick(field.access)) mask |= fieldMask(field);
  return mask >>> 0;
}

/**
 * True if a read-modify-write of the register can lose events: a W1C bit read as 1 and
 * written back clears an event nobody handled; a read of an RC or counter field clears
 * what the read did not mean to consume.
 */
export function hasRmwHazard(reg: RegisterDef): boolean {
  return reg.fields.some((f) => f.access === "w1c" || f.access === "rc" || f.access === "cnt");
}
