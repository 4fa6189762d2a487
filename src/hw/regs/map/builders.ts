import type { FieldDef, RegisterDef } from "../schema.js";

/** The placement of a register: a plain offset, or an array of `count` at `stride` bytes. */
export interface Placement {
  readonly offset: number;
  readonly count?: number;
  readonly stride?: number;
}

/** Words shared by the definitions of a counter. */
export interface CounterText {
  readonly group: string;
  readonly title: string;
  readonly desc: string;
  readonly compat?: string;
}

function placed(at: Placement): Pick<RegisterDef, "offset" | "count" | "stride"> {
  return at.count === undefined || at.stride === undefined
    ? { offset: at.offset }
    : { offset: at.offset, count: at.count, stride: at.stride };
}

function withCompat(compat: string | undefined): { compat?: string } {
  return compat === undefined ? {} : { compat };
}

const COUNT_FIELD: FieldDef = {
  name: "COUNT",
  msb: 31,
  lsb: 0,
  access: "cnt",
  desc: "The count; saturates, clears on read.",
};

/** A 32-bit statistics counter (clear on read, saturating). */
export function counter32(name: string, at: Placement, text: CounterText): RegisterDef {
  return {
    name,
    ...placed(at),
    group: text.group,
    title: text.title,
    desc: text.desc,
    ...withCompat(text.compat),
    counter: { width: 32 },
    fields: [COUNT_FIELD],
  };
}

/**
 * A 64-bit statistics counter as two registers `<name>L` (at `at.offset`) and `<name>H`
 * (4 bytes above). Read the low half first: see `CounterDef`.
 */
export function counter64(name: string, at: Placement, text: CounterText): RegisterDef[] {
  const half = (suffix: "L" | "H", which: "low" | "high", offset: number): RegisterDef => ({
    name: `${name}${suffix}`,
    ...placed({ ...at, offset }),
    group: text.group,
    title: `${text.title} (${which} 32 bits)`,
    desc:
      which === "low"
        ? `${text.desc} Reading this half returns the low 32 bits, latches the high 32 bits into ${name}H and clears the counter.`
        : `${text.desc} Returns the high 32 bits latched by the last read of ${name}L.`,
    ...withCompat(text.compat),
    counter: { width: 64, half: which, pair: name },
    fields: [
      {
        ...COUNT_FIELD,
        desc: which === "low" ? "Low 32 bits of the count." : "High 32 bits, latched.",
      },
    ],
  });
  return [half("L", "low", at.offset), half("H", "high", at.offset + 4)];
}

/** Splits `total` one-bit-per-item flags over 32-bit words: the width of word `n`. */
export function bitsInWord(total: number, n: number): number {
  return Math.min(32, total - 32 * n);
}

/** Words needed for one bit per item. */
export function wordsFor(total: number): number {
  return Math.ceil(total / 32);
}
