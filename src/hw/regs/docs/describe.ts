import type { DescriptorFormat } from "../../desc/schema.js";
import type { RegisterMap } from "../register-map.js";
import { type FieldAccess, hasRmwHazard, type RegisterDef } from "../schema.js";

/** What each access token means to software, as the reference explains it. */
export const ACCESS_MEANING: Readonly<Record<FieldAccess, string>> = {
  rw: "Read/write: reads return what was last written (or the reset value).",
  ro: "Read-only: the device sets the value; writes to it are ignored.",
  wo: "Write-only: reads return 0; the write matters for what it makes the device do.",
  w1c:
    "Write 1 to clear: the device sets the bit; writing 1 clears it, writing 0 leaves it " +
    "as it is.",
  w1s:
    "Write 1 to set: writing 1 sets the bit, writing 0 leaves it as it is; the device may " +
    "clear it.",
  sc:
    "Self-clearing: writing 1 starts an action and the bit reads 1 until the device has " +
    "finished it; writing 0 does nothing.",
  rc: "Clear on read: the device sets the bits; a read returns them and clears them.",
  cnt:
    "Statistics counter: the device counts up and stops at the counter's largest value " +
    "instead of wrapping; a read returns the count and clears it.",
};

/** What reserved bits do (bits no field covers). */
export const RESERVED_MEANING = "Reserved: reads return 0; writes to these bits are ignored.";

/**
 * The warning a register with W1C, RC or counter fields needs, or undefined. Spelled
 * out per register because the failure (a lost interrupt cause, a lost count) is silent.
 */
export function hazardAdvice(reg: RegisterDef): string | undefined {
  if (!hasRmwHazard(reg)) return undefined;
  const has = (kinds: readonly FieldAccess[]) => reg.fields.some((f) => kinds.includes(f.access));
  const advice: string[] = [];
  if (has(["w1c"])) {
    advice.push(
      "write only the bits you mean to clear (writing back a value you read clears events " +
        "nobody has handled)",
    );
  }
  if (has(["rc", "cnt"])) {
    advice.push("read it only when you mean to consume what it holds (the read clears it)");
  }
  return `Never read-modify-write ${reg.name}: ${advice.join("; ")}.`;
}

/**
 * How a counter register is read, or undefined for other registers. `ref` formats a
 * register name (the markdown page makes it a link).
 */
export function counterSummary(
  map: RegisterMap,
  reg: RegisterDef,
  ref: (name: string) => string = (name) => name,
): string | undefined {
  const counter = reg.counter;
  if (counter === undefined) return undefined;
  if (counter.width === 32) {
    return "32-bit counter: saturates at 0xFFFFFFFF; a read returns the count and clears it.";
  }
  const pair = counter.pair ?? reg.name;
  const otherHalf = counter.half === "high" ? "low" : "high";
  const other = map.registers.find(
    (d) => d !== reg && d.counter?.pair === counter.pair && d.counter?.half === otherHalf,
  );
  const otherName = other === undefined ? "(missing)" : ref(other.name);
  if (counter.half === "high") {
    return (
      `High half of the 64-bit counter ${pair} (low half: ${otherName}). Returns the high ` +
      `32 bits latched by the last read of the low half.`
    );
  }
  return (
    `Low half of the 64-bit counter ${pair} (high half: ${otherName}). Read it first: it ` +
    `returns the low 32 bits, latches the high half and clears the whole counter.`
  );
}

/** The register's 82599 note, less a leading "82599:" (the reference labels it so already). */
export function compatNote(reg: RegisterDef): string | undefined {
  return reg.compat === undefined ? undefined : withoutCompatLabel(reg.compat);
}

/** A descriptor format's 82599 note, less a leading "82599:" as for registers. */
export function descriptorCompatNote(format: DescriptorFormat): string {
  return withoutCompatLabel(format.compat);
}

function withoutCompatLabel(text: string): string {
  return text.replace(/^82599:\s*/, "");
}

/** Who writes a descriptor format, and so who reads it. */
export const WRITER_MEANING: Readonly<Record<DescriptorFormat["writer"], string>> = {
  software: "software; the device reads it.",
  device: "the device, over a descriptor software posted; software reads it.",
};

/** What the reserved bits of a descriptor format (bits no field covers) hold. */
export function descriptorReservedMeaning(format: DescriptorFormat): string {
  return format.writer === "software"
    ? "Reserved: software writes 0; the device ignores these bits."
    : "Reserved: the device writes 0; software must not rely on these bits.";
}
