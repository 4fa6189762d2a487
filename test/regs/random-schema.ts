import fc from "fast-check";
import type { FieldAccess, FieldDef, RegisterDef } from "../../src/hw/regs/schema.js";

/** A field kind for generated registers; "gap" leaves the bits reserved. */
export type GenKind = FieldAccess | "gap";

/**
 * A random register: 32 bits cut into runs at random points, each run a field of a
 * random kind or a reserved gap, with a random reset value.
 */
export function arbRegister(
  name: string,
  offset: number,
  kinds: readonly GenKind[],
): fc.Arbitrary<RegisterDef> {
  return fc
    .uniqueArray(fc.integer({ min: 1, max: 31 }), { maxLength: 8 })
    .chain((cuts) => {
      const bounds = [0, ...cuts.sort((a, b) => a - b), 32];
      const runs = bounds.slice(1).map((end, i) => ({ lsb: bounds[i]!, msb: end - 1 }));
      return fc.tuple(
        fc.constant(runs),
        fc.array(fc.constantFrom(...kinds), { minLength: runs.length, maxLength: runs.length }),
        fc.array(fc.nat(), { minLength: runs.length, maxLength: runs.length }),
      );
    })
    .map(([runs, picked, seeds]) => {
      const fields: FieldDef[] = [];
      runs.forEach((run, i) => {
        const kind = picked[i]!;
        if (kind === "gap") return;
        const width = run.msb - run.lsb + 1;
        const max = width >= 32 ? 0xffff_ffff : 2 ** width - 1;
        fields.push({
          name: `F${i}`,
          msb: run.msb,
          lsb: run.lsb,
          access: kind,
          reset: seeds[i]! % (max + 1),
          desc: "generated",
        });
      });
      if (fields.length === 0) {
        fields.push({ name: "ALL", msb: 31, lsb: 0, access: "rw", desc: "generated" });
      }
      return { name, offset, group: "test", title: name, desc: "generated", fields };
    });
}

/** The union of masks of `reg`'s fields of the given kinds, computed bit by bit. */
export function maskOf(reg: RegisterDef, kinds: readonly FieldAccess[]): number {
  let mask = 0;
  for (const f of reg.fields) {
    if (!kinds.includes(f.access)) continue;
    for (let bit = f.lsb; bit <= f.msb; bit++) mask = (mask | (1 << bit)) >>> 0;
  }
  return mask >>> 0;
}

/** The reset value of `reg`, assembled bit by bit. */
export function resetOf(reg: RegisterDef): number {
  let value = 0;
  for (const f of reg.fields) {
    for (let bit = f.lsb; bit <= f.msb; bit++) {
      const set = Math.floor((f.reset ?? 0) / 2 ** (bit - f.lsb)) % 2 === 1;
      if (set) value = (value | (1 << bit)) >>> 0;
    }
  }
  return value >>> 0;
}
