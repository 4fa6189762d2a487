import { describe, expect, it } from "vitest";
import { DEVICE_LIMITS, resolveDeviceParams } from "../../src/hw/device-params.js";
import { BAR_BYTES, buildRegisterMap } from "../../src/hw/regs/map/index.js";
import type { RegisterDef } from "../../src/hw/regs/schema.js";
import { validateRegisterDefs } from "../../src/hw/regs/validate.js";

/** Every configuration the docs and tests care about: defaults and the extremes. */
const CONFIGS = [
  resolveDeviceParams(),
  resolveDeviceParams({ queues: DEVICE_LIMITS.queues.min, vectors: DEVICE_LIMITS.vectors.min }),
  resolveDeviceParams({ queues: DEVICE_LIMITS.queues.max, vectors: DEVICE_LIMITS.vectors.max }),
];

describe("the register map is consistent", () => {
  for (const params of CONFIGS) {
    const map = buildRegisterMap(params);
    const label = `${params.queues} queues, ${params.vectors} vectors`;

    it(`no two registers overlap and all are aligned inside the BAR (${label})`, () => {
      // Enumerate every 32-bit word every register instance occupies, independently of the map's decoder.
      const owners = new Map<number, string>();
      for (const reg of map.registers) {
        for (let n = 0; n < (reg.count ?? 1); n++) {
          const offset = reg.offset + n * (reg.stride ?? 0);
          expect(offset % 4, `${reg.name}[${n}] aligned`).toBe(0);
          expect(offset).toBeGreaterThanOrEqual(0);
          expect(offset + 4).toBeLessThanOrEqual(BAR_BYTES);
          expect(owners.get(offset), `${reg.name}[${n}] overlaps`).toBeUndefined();
          owners.set(offset, reg.name);
          expect(map.decode(offset)?.reg.name).toBe(reg.name);
          expect(map.decode(offset)?.instance).toBe(n);
        }
      }
    });

    it(`every field fits its register, fields do not overlap, resets fit (${label})`, () => {
      for (const reg of map.registers) {
        const used = new Array<boolean>(32).fill(false);
        for (const f of reg.fields) {
          expect(f.lsb, `${reg.name}.${f.name}`).toBeGreaterThanOrEqual(0);
          expect(f.msb, `${reg.name}.${f.name}`).toBeLessThan(32);
          expect(f.msb).toBeGreaterThanOrEqual(f.lsb);
          for (let bit = f.lsb; bit <= f.msb; bit++) {
            expect(used[bit], `${reg.name}.${f.name} bit ${bit}`).toBe(false);
            used[bit] = true;
          }
          const width = f.msb - f.lsb + 1;
          expect(f.reset ?? 0, `${reg.name}.${f.name} reset`).toBeLessThan(2 ** width);
          for (const e of f.enum ?? []) expect(e.value).toBeLessThan(2 ** width);
        }
      }
    });

    it(`the validator agrees (${label})`, () => {
      expect(validateRegisterDefs(map.registers, map.barBytes)).toEqual([]);
    });
  }
});

describe("the validator catches broken schemas", () => {
  const base: RegisterDef = {
    name: "A",
    offset: 0,
    group: "g",
    title: "a",
    desc: "a",
    fields: [{ name: "F", msb: 7, lsb: 0, access: "rw", desc: "f" }],
  };
  const cases: [string, RegisterDef[], RegisterDef[] | string][] = [
    ["overlapping registers", [base, { ...base, name: "B" }], "overlaps A"],
    [
      "array overlapping a register",
      [
        { ...base, count: 4, stride: 4 },
        { ...base, name: "B", offset: 8 },
      ],
      "overlaps",
    ],
    ["duplicate names", [base, { ...base, offset: 4 }], "defined twice"],
    ["unaligned offset", [{ ...base, offset: 2 }], "not aligned"],
    ["outside the BAR", [{ ...base, offset: 0x100 }], "outside the BAR"],
    [
      "field past bit 31",
      [{ ...base, fields: [{ name: "F", msb: 32, lsb: 0, access: "rw", desc: "f" }] }],
      "do not fit",
    ],
    [
      "overlapping fields",
      [
        {
          ...base,
          fields: [
            { name: "F", msb: 7, lsb: 0, access: "rw", desc: "f" },
            { name: "G", msb: 8, lsb: 7, access: "rw", desc: "g" },
          ],
        },
      ],
      "overlaps another field",
    ],
    [
      "reset too wide",
      [{ ...base, fields: [{ name: "F", msb: 1, lsb: 0, access: "rw", reset: 4, desc: "f" }] }],
      "does not fit",
    ],
    [
      "enum value too wide",
      [
        {
          ...base,
          fields: [
            {
              name: "F",
              msb: 0,
              lsb: 0,
              access: "rw",
              desc: "f",
              enum: [{ value: 2, name: "X", desc: "x" }],
            },
          ],
        },
      ],
      "does not fit",
    ],
    [
      "counter half missing",
      [
        {
          ...base,
          counter: { width: 64, half: "low", pair: "P" },
          fields: [{ name: "C", msb: 31, lsb: 0, access: "cnt", desc: "c" }],
        },
      ],
      "no high half",
    ],
    [
      "cnt field without counter",
      [{ ...base, fields: [{ name: "C", msb: 31, lsb: 0, access: "cnt", desc: "c" }] }],
      "declare a counter",
    ],
    ["array without stride", [{ ...base, count: 2 }], "stride"],
  ];
  for (const [label, defs, expected] of cases) {
    it(label, () => {
      const problems = validateRegisterDefs(defs, 0x100);
      expect(problems.join("\n")).toContain(expected as string);
    });
  }
});
