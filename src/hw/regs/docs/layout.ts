import {
  DESCRIPTOR_DWORDS,
  type DescriptorField,
  type DescriptorFormat,
} from "../../desc/schema.js";
import type { RegisterMap } from "../register-map.js";
import {
  FIELD_ACCESS_KINDS,
  type FieldAccess,
  type FieldDef,
  REGISTER_BITS,
  type RegisterDef,
  type RegisterGroup,
} from "../schema.js";

/** Bits `[msb:lsb]` of a 32-bit word: a register field or a descriptor field. */
export interface BitRange {
  readonly msb: number;
  readonly lsb: number;
}

/** A contiguous run of bits: one field, or reserved bits no field covers. */
export interface BitRun<F extends BitRange = FieldDef> {
  readonly msb: number;
  readonly lsb: number;
  /** Undefined for a reserved run. */
  readonly field: F | undefined;
}

/**
 * The register's 32 bits as runs, MSB first, reserved gaps included, so that every
 * table built from it covers each bit exactly once whatever order the fields were
 * declared in.
 */
export function bitRuns(reg: RegisterDef): BitRun[] {
  return wordRuns(reg.fields);
}

/** The 32 bits of a word holding `fields` (which must not overlap) as runs, MSB first. */
export function wordRuns<F extends BitRange>(fields: readonly F[]): BitRun<F>[] {
  const sorted = [...fields].sort((a, b) => b.msb - a.msb);
  const runs: BitRun<F>[] = [];
  let next = REGISTER_BITS - 1;
  for (const field of sorted) {
    if (field.msb < next) runs.push({ msb: next, lsb: field.msb + 1, field: undefined });
    runs.push({ msb: field.msb, lsb: field.lsb, field });
    next = field.lsb - 1;
  }
  if (next >= 0) runs.push({ msb: next, lsb: 0, field: undefined });
  return runs;
}

/** One dword of a descriptor format: its index and its 32 bits as runs, MSB first. */
export interface DwordLayout {
  readonly dword: number;
  readonly runs: readonly BitRun<DescriptorField>[];
}

/** Every dword of `format`, dword 0 first, each covering its 32 bits, reserved runs included. */
export function descriptorDwords(format: DescriptorFormat): DwordLayout[] {
  return Array.from({ length: DESCRIPTOR_DWORDS }, (_, dword) => ({
    dword,
    runs: wordRuns(format.fields.filter((f) => f.dword === dword)),
  }));
}

/** The distinct access kinds of the register's fields, in the reference's order. */
export function accessKinds(reg: RegisterDef): FieldAccess[] {
  return FIELD_ACCESS_KINDS.filter((kind) => reg.fields.some((f) => f.access === kind));
}

/** A group and its registers, in map order. */
export interface GroupSection {
  readonly group: RegisterGroup;
  readonly registers: readonly RegisterDef[];
}

/** Where registers whose group the map does not describe are listed, so none goes missing. */
export const OTHER_GROUP: RegisterGroup = {
  name: "other",
  title: "Other registers",
  desc: "Registers whose group has no description in the register map.",
};

/** The map's registers by group: `map.groups` in order, then any ungrouped registers. */
export function groupSections(map: RegisterMap): GroupSection[] {
  const known = new Set(map.groups.map((g) => g.name));
  const sections = map.groups.map((group) => ({
    group,
    registers: map.registers.filter((r) => r.group === group.name),
  }));
  const others = map.registers.filter((r) => !known.has(r.group));
  if (others.length > 0) sections.push({ group: OTHER_GROUP, registers: others });
  return sections.filter((s) => s.registers.length > 0);
}
