import {
  fieldMask,
  fieldMaxValue,
  instanceCount,
  instanceOffset,
  REGISTER_BITS,
  type RegisterDef,
} from "./schema.js";

const NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * Checks a register schema for consistency and returns every problem found, in words.
 * An empty list means: names are unique and C-friendly, every offset is aligned and in
 * the BAR, no two registers (or instances) overlap, every field fits its register and
 * no two fields overlap, reset values fit their fields, enum values fit and are unique,
 * and 64-bit counters come as adjacent low/high pairs.
 */
export function validateRegisterDefs(defs: readonly RegisterDef[], barBytes: number): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const owner = new Map<number, string>();
  for (const reg of defs) {
    if (!NAME.test(reg.name)) problems.push(`${reg.name}: name is not an upper-case identifier`);
    if (names.has(reg.name)) problems.push(`${reg.name}: name defined twice`);
    names.add(reg.name);
    problems.push(...checkPlacement(reg, barBytes, owner));
    problems.push(...checkFields(reg));
  }
  problems.push(...checkCounterPairs(defs));
  return problems;
}

function checkPlacement(reg: RegisterDef, barBytes: number, owner: Map<number, string>): string[] {
  const problems: string[] = [];
  const count = instanceCount(reg);
  if (!Number.isInteger(count) || count < 1) problems.push(`${reg.name}: count ${count} < 1`);
  if (count > 1 && (reg.stride === undefined || reg.stride < 4 || reg.stride % 4 !== 0)) {
    problems.push(`${reg.name}: an array needs a stride that is a positive multiple of 4`);
  }
  for (let n = 0; n < count; n++) {
    const offset = instanceOffset(reg, n);
    const label = count > 1 ? `${reg.name}[${n}]` : reg.name;
    if (offset % 4 !== 0) problems.push(`${label}: offset 0x${offset.toString(16)} not aligned`);
    if (offset < 0 || offset + 4 > barBytes) {
      problems.push(`${label}: offset 0x${offset.toString(16)} outside the BAR`);
    }
    const other = owner.get(offset);
    if (other !== undefined) problems.push(`${label}: overlaps ${other}`);
    else owner.set(offset, label);
  }
  return problems;
}

function checkFields(reg: RegisterDef): string[] {
  const problems: string[] = [];
  const fieldNames = new Set<string>();
  let used = 0;
  if (reg.fields.length === 0) problems.push(`${reg.name}: has no fields`);
  for (const field of reg.fields) {
    const where = `${reg.name}.${field.name}`;
    if (!NAME.test(field.name)) problems.push(`${where}: name is not an upper-case identifier`);
    if (fieldNames.has(field.name)) problems.push(`${where}: field defined twice`);
    fieldNames.add(field.name);
    const fits =
      Number.isInteger(field.lsb) &&
      Number.isInteger(field.msb) &&
      field.lsb >= 0 &&
      field.msb >= field.lsb &&
      field.msb < REGISTER_BITS;
    if (!fits) {
      problems.push(`${where}: bits [${field.msb}:${field.lsb}] do not fit a 32-bit register`);
      continue;
    }
    const mask = fieldMask(field);
    if ((used & mask) !== 0) problems.push(`${where}: overlaps another field`);
    used |= mask;
    const reset = field.reset ?? 0;
    if (!Number.isInteger(reset) || reset < 0 || reset > fieldMaxValue(field)) {
      problems.push(`${where}: reset ${reset} does not fit ${field.msb - field.lsb + 1} bits`);
    }
    problems.push(...checkEnum(where, field.enum ?? [], fieldMaxValue(field)));
    if (field.access === "cnt" && reg.counter === undefined) {
      problems.push(`${where}: a cnt field needs the register to declare a counter`);
    }
  }
  return problems;
}

function checkEnum(
  where: string,
  values: readonly { value: number; name: string }[],
  max: number,
): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  const seenNames = new Set<string>();
  for (const e of values) {
    if (!Number.isInteger(e.value) || e.value < 0 || e.value > max) {
      problems.push(`${where}: enum ${e.name} = ${e.value} does not fit the field`);
    }
    if (seen.has(e.value)) problems.push(`${where}: enum value ${e.value} named twice`);
    if (seenNames.has(e.name)) problems.push(`${where}: enum name ${e.name} used twice`);
    if (!NAME.test(e.name)) problems.push(`${where}: enum name ${e.name} is not an identifier`);
    seen.add(e.value);
    seenNames.add(e.name);
  }
  return problems;
}

function checkCounterPairs(defs: readonly RegisterDef[]): string[] {
  const problems: string[] = [];
  for (const reg of defs) {
    const counter = reg.counter;
    if (counter === undefined) continue;
    if (reg.fields.some((f) => f.access !== "cnt")) {
      problems.push(`${reg.name}: a counter register holds only cnt fields`);
    }
    if (counter.width !== 64) continue;
    if (counter.half !== "low") continue;
    const high = defs.find(
      (d) => d.counter?.pair === counter.pair && d.counter?.half === "high" && d !== reg,
    );
    if (high === undefined) {
      problems.push(`${reg.name}: 64-bit counter ${counter.pair} has no high half`);
    } else if (
      high.offset !== reg.offset + 4 ||
      instanceCount(high) !== instanceCount(reg) ||
      high.stride !== reg.stride
    ) {
      problems.push(`${reg.name}: high half ${high.name} must sit 4 bytes above, same array shape`);
    }
  }
  return problems;
}
