import {
  DESCRIPTOR_DWORDS,
  type DescriptorField,
  type DescriptorFormat,
  DWORD_BITS,
} from "./schema.js";

/** An upper-case C identifier: names become parts of C macro names. */
const NAME = /^[A-Z][A-Z0-9_]*$/;
const WRITERS: readonly string[] = ["software", "device"];
/** The C header's suffixes for a field: a value of that name would clash with them. */
const MACRO_SUFFIXES: readonly string[] = ["DWORD", "SHIFT", "MASK"];

/**
 * Checks descriptor formats for consistency and returns every problem found, in words.
 * An empty list means: format names are unique and C-friendly, each format says who
 * writes it and has a title, a description and an 82599 note, and within each format
 * field names are unique and C-friendly, every field sits in one of the four dwords
 * within bits 31..0, no two fields of a dword overlap, and named values fit their field
 * and have C-friendly names of their own.
 */
export function validateDescriptorFormats(formats: readonly DescriptorFormat[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const format of formats) {
    if (names.has(format.name)) problems.push(`${format.name}: format defined twice`);
    names.add(format.name);
    problems.push(...validateDescriptorFormat(format));
  }
  return problems;
}

/** The problems of one format (see validateDescriptorFormats). */
export function validateDescriptorFormat(format: DescriptorFormat): string[] {
  const problems: string[] = [];
  const name = format.name;
  if (!NAME.test(name)) problems.push(`${name}: name is not an upper-case identifier`);
  if (!WRITERS.includes(format.writer)) {
    problems.push(`${name}: writer ${JSON.stringify(format.writer)} is not software or device`);
  }
  for (const key of ["title", "desc", "compat"] as const) {
    if (format[key].trim() === "") problems.push(`${name}: ${key} is empty`);
  }
  if (format.fields.length === 0) problems.push(`${name}: has no fields`);
  const fieldNames = new Set<string>();
  const used = new Array<number>(DESCRIPTOR_DWORDS).fill(0);
  for (const field of format.fields) {
    const where = `${name}.${field.name}`;
    if (!NAME.test(field.name)) problems.push(`${where}: name is not an upper-case identifier`);
    if (fieldNames.has(field.name)) problems.push(`${where}: field defined twice`);
    fieldNames.add(field.name);
    if (field.desc.trim() === "") problems.push(`${where}: desc is empty`);
    if (!Number.isInteger(field.dword) || field.dword < 0 || field.dword >= DESCRIPTOR_DWORDS) {
      problems.push(`${where}: dword ${field.dword} is not 0..${DESCRIPTOR_DWORDS - 1}`);
      continue;
    }
    if (!fitsDword(field)) {
      problems.push(`${where}: bits [${field.msb}:${field.lsb}] do not fit a 32-bit dword`);
      continue;
    }
    const mask = bitMask(field.msb, field.lsb);
    if (((used[field.dword] ?? 0) & mask) !== 0) {
      problems.push(`${where}: overlaps another field in dword ${field.dword}`);
    }
    used[field.dword] = ((used[field.dword] ?? 0) | mask) >>> 0;
    problems.push(...checkValues(where, field));
  }
  return problems;
}

/** Throws, listing every problem, unless `formats` are valid (for renderers that rely on it). */
export function assertValidDescriptorFormats(formats: readonly DescriptorFormat[]): void {
  const problems = validateDescriptorFormats(formats);
  if (problems.length > 0) {
    throw new Error(`invalid descriptor formats:\n  ${problems.join("\n  ")}`);
  }
}

function fitsDword(field: DescriptorField): boolean {
  return (
    Number.isInteger(field.lsb) &&
    Number.isInteger(field.msb) &&
    field.lsb >= 0 &&
    field.msb >= field.lsb &&
    field.msb < DWORD_BITS
  );
}

/** Bits msb..lsb set, unsigned. */
function bitMask(msb: number, lsb: number): number {
  const width = msb - lsb + 1;
  const ones = width >= 32 ? 0xffff_ffff : 2 ** width - 1;
  return (ones * 2 ** lsb) >>> 0;
}

function checkValues(where: string, field: DescriptorField): string[] {
  const problems: string[] = [];
  const max = 2 ** (field.msb - field.lsb + 1) - 1;
  const values = new Set<number>();
  const names = new Set<string>();
  for (const e of field.enum ?? []) {
    if (!Number.isInteger(e.value) || e.value < 0 || e.value > max) {
      problems.push(`${where}: value ${e.name} = ${e.value} does not fit the field`);
    }
    if (!NAME.test(e.name)) problems.push(`${where}: value name ${e.name} is not an identifier`);
    if (MACRO_SUFFIXES.includes(e.name)) {
      problems.push(`${where}: value name ${e.name} would clash with the field's ${e.name} macro`);
    }
    if (values.has(e.value)) problems.push(`${where}: value ${e.value} named twice`);
    if (names.has(e.name)) problems.push(`${where}: value name ${e.name} used twice`);
    values.add(e.value);
    names.add(e.name);
  }
  return problems;
}
