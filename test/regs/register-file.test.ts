import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RegisterFile } from "../../src/hw/regs/register-file.js";
import { RegisterMap } from "../../src/hw/regs/register-map.js";
import type { RegisterDef } from "../../src/hw/regs/schema.js";
import { arbRegister, type GenKind, maskOf, resetOf } from "./random-schema.js";

const BAR = 0x100;
const OFFSET = 0x40;

function fileWith(reg: RegisterDef): RegisterFile {
  return new RegisterFile(new RegisterMap([reg], [], BAR));
}

/**
 * QEMU's register write rule (include/hw/register.h), written out independently:
 *   no_w = ro | w1c | rsvd; new = (val & ~no_w) | (old & no_w); new &= ~(val & w1c)
 */
function qemuWrite(old: number, val: number, ro: number, w1c: number, rsvd: number): number {
  const noW = ro | w1c | rsvd;
  let next = (val & ~noW) | (old & noW);
  next &= ~(val & w1c);
  return next >>> 0;
}

const u32 = fc.nat({ max: 0xffff_ffff });

describe("register file write rule", () => {
  it("matches QEMU's rule for rw, ro, w1c and reserved bits", () => {
    const kinds: GenKind[] = ["rw", "ro", "w1c", "gap"];
    fc.assert(
      fc.property(
        arbRegister("R", OFFSET, kinds),
        u32,
        fc.array(u32, { maxLength: 20 }),
        (reg, start, writes) => {
          const file = fileWith(reg);
          const ro = maskOf(reg, ["ro"]);
          const w1c = maskOf(reg, ["w1c"]);
          const rsvd = ~maskOf(reg, ["rw", "ro", "w1c"]) >>> 0;
          const writable = maskOf(reg, ["rw", "w1c"]);
          file.poke32(OFFSET, start);
          let model = (start & ~rsvd) >>> 0;
          for (const value of writes) {
            file.write32(OFFSET, value);
            // A register with no writable bit ignores the write entirely (and logs it).
            if (writable !== 0) model = qemuWrite(model, value, ro, w1c, rsvd);
            expect(file.peek32(OFFSET)).toBe(model);
          }
        },
      ),
    );
  });

  it("sets w1s and sc bits on 1, ignores 0, and hides wo bits from reads", () => {
    const kinds: GenKind[] = ["rw", "ro", "wo", "w1c", "w1s", "sc", "gap"];
    fc.assert(
      fc.property(
        arbRegister("R", OFFSET, kinds),
        fc.array(u32, { maxLength: 20 }),
        (reg, writes) => {
          const file = fileWith(reg);
          const rw = maskOf(reg, ["rw", "wo"]);
          const set = maskOf(reg, ["w1s", "sc"]);
          const w1c = maskOf(reg, ["w1c"]);
          const wo = maskOf(reg, ["wo"]);
          let model = resetOf(reg);
          for (const value of writes) {
            file.write32(OFFSET, value);
            if ((rw | set | w1c) !== 0) {
              model = ((model & ~rw) | (value & rw)) >>> 0; // plain bits take the value
              model = (model & ~(value & w1c)) >>> 0; // 1 clears a w1c bit
              model = (model | (value & set)) >>> 0; // 1 sets a w1s/sc bit
            }
            expect(file.peek32(OFFSET)).toBe(model);
            expect(file.read32(OFFSET)).toBe((model & ~wo) >>> 0);
          }
        },
      ),
    );
  });
});

describe("clear on read", () => {
  it("returns rc bits once, then 0, leaving other bits", () => {
    const kinds: GenKind[] = ["rw", "ro", "rc", "gap"];
    fc.assert(
      fc.property(arbRegister("R", OFFSET, kinds), u32, (reg, hwValue) => {
        const file = fileWith(reg);
        const rc = maskOf(reg, ["rc"]);
        const defined = maskOf(reg, ["rw", "ro", "rc"]);
        file.hwWrite(OFFSET >>> 2, hwValue);
        expect(file.read32(OFFSET)).toBe((hwValue & defined) >>> 0);
        expect(file.read32(OFFSET)).toBe((hwValue & defined & ~rc) >>> 0);
        // A write cannot set or clear rc bits.
        file.hwWrite(OFFSET >>> 2, hwValue);
        file.write32(OFFSET, ~hwValue >>> 0);
        expect((file.peek32(OFFSET) & rc) >>> 0).toBe((hwValue & rc) >>> 0);
      }),
    );
  });
});

const COUNTER32: RegisterDef = {
  name: "C32",
  offset: 0x10,
  group: "test",
  title: "c",
  desc: "c",
  counter: { width: 32 },
  fields: [{ name: "COUNT", msb: 31, lsb: 0, access: "cnt", desc: "c" }],
};
const COUNTER64: RegisterDef[] = [
  {
    name: "C64L",
    offset: 0x20,
    group: "test",
    title: "c",
    desc: "c",
    counter: { width: 64, half: "low", pair: "C64" },
    fields: [{ name: "COUNT", msb: 31, lsb: 0, access: "cnt", desc: "c" }],
  },
  {
    name: "C64H",
    offset: 0x24,
    group: "test",
    title: "c",
    desc: "c",
    counter: { width: 64, half: "high", pair: "C64" },
    fields: [{ name: "COUNT", msb: 31, lsb: 0, access: "cnt", desc: "c" }],
  },
];

function counterFile(): RegisterFile {
  return new RegisterFile(new RegisterMap([COUNTER32, ...COUNTER64], [], BAR));
}

const increments = fc.array(fc.oneof(fc.nat({ max: 10 }), fc.nat({ max: 2 ** 40 })), {
  maxLength: 40,
});

describe("statistics counters", () => {
  it("32-bit counters sum increments, saturate at 2^32-1 and clear on read", () => {
    fc.assert(
      fc.property(increments, (adds) => {
        const file = counterFile();
        let expected = 0n;
        for (const n of adds) {
          file.hwCount(0x10 >>> 2, n);
          expected += BigInt(n);
        }
        const saturated = expected > 0xffff_ffffn ? 0xffff_ffffn : expected;
        expect(BigInt(file.read32(0x10))).toBe(saturated);
        expect(file.read32(0x10)).toBe(0);
        file.write32(0x10, 1234); // software cannot write a counter
        expect(file.peek32(0x10)).toBe(0);
      }),
    );
  });

  it("64-bit counters read low then high give the exact sum, losing nothing between reads", () => {
    fc.assert(
      fc.property(
        increments,
        increments,
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (a, b, start) => {
          const file = counterFile();
          file.poke32(0x20, Number(start & 0xffff_ffffn));
          file.poke32(0x24, Number(start >> 32n));
          const cap = 2n ** 64n - 1n;
          const sat = (x: bigint) => (x > cap ? cap : x);
          let expected = start;
          for (const n of a) {
            file.hwCount(0x20 >>> 2, n);
            expected = sat(expected + BigInt(n));
          }
          const low = file.read32(0x20);
          let later = 0n;
          for (const n of b) {
            file.hwCount(0x20 >>> 2, n); // counted between the two reads
            later = sat(later + BigInt(n));
          }
          const high = file.read32(0x24);
          expect((BigInt(high) << 32n) | BigInt(low)).toBe(expected);
          const low2 = file.read32(0x20);
          const high2 = file.read32(0x24);
          expect((BigInt(high2) << 32n) | BigInt(low2)).toBe(later);
        },
      ),
    );
  });
});

describe("peek and poke", () => {
  it("peek never clears and poke never runs hooks", () => {
    fc.assert(
      fc.property(arbRegister("R", OFFSET, ["rc", "w1c", "rw", "ro", "gap"]), u32, (reg, value) => {
        const file = fileWith(reg);
        let hooks = 0;
        file.onWrite("R", () => hooks++);
        file.onRead("R", () => hooks++);
        file.poke32(OFFSET, value);
        const first = file.peek32(OFFSET);
        expect(file.peek32(OFFSET)).toBe(first);
        expect(file.peek32(OFFSET)).toBe(first);
        expect(hooks).toBe(0);
        expect(file.log.total).toBe(0);
      }),
    );
  });
});

describe("reset", () => {
  it("restores every register's reset value after any writes", () => {
    const kinds: GenKind[] = ["rw", "ro", "wo", "w1c", "w1s", "sc", "rc", "gap"];
    const regs = fc.tuple(arbRegister("A", 0x0, kinds), arbRegister("B", 0x4, kinds));
    fc.assert(
      fc.property(regs, fc.array(fc.tuple(fc.constantFrom(0, 4), u32)), ([a, b], writes) => {
        const file = new RegisterFile(new RegisterMap([a, b], [], BAR));
        for (const [offset, value] of writes) {
          file.write32(offset, value);
          file.hwWrite(offset >>> 2, value ^ 0x5a5a_5a5a);
        }
        file.reset();
        expect(file.peek32(0)).toBe(resetOf(a));
        expect(file.peek32(4)).toBe(resetOf(b));
      }),
    );
  });
});

describe("bad accesses", () => {
  it("unmapped, unaligned and out-of-range offsets read 0, change nothing and are logged", () => {
    const reg: RegisterDef = {
      name: "R",
      offset: OFFSET,
      group: "test",
      title: "r",
      desc: "r",
      fields: [{ name: "V", msb: 31, lsb: 0, access: "rw", reset: 7, desc: "v" }],
    };
    const badOffset = fc.oneof(
      fc.integer({ min: -1000, max: BAR + 1000 }).filter((o) => o !== OFFSET),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 0.5, OFFSET + 1, OFFSET + 2, 2 ** 40),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(badOffset, u32, fc.boolean()), { minLength: 1 }),
        (accesses) => {
          const file = fileWith(reg);
          const before = file.words.slice();
          for (const [offset, value, isWrite] of accesses) {
            if (isWrite) file.write32(offset, value);
            else expect(file.read32(offset)).toBe(0);
          }
          expect(file.words).toEqual(before);
          expect(file.log.totals.unmapped + file.log.totals.unaligned).toBe(accesses.length);
        },
      ),
    );
  });

  it("logs writes to read-only registers and to reserved bits", () => {
    const reg: RegisterDef = {
      name: "R",
      offset: 0,
      group: "test",
      title: "r",
      desc: "r",
      fields: [{ name: "V", msb: 7, lsb: 0, access: "rw", desc: "v" }],
    };
    const ro: RegisterDef = {
      name: "S",
      offset: 4,
      group: "test",
      title: "s",
      desc: "s",
      fields: [{ name: "V", msb: 7, lsb: 0, access: "ro", reset: 3, desc: "v" }],
    };
    const file = new RegisterFile(new RegisterMap([reg, ro], [], BAR));
    file.write32(0, 0x1ff);
    expect(file.peek32(0)).toBe(0xff);
    file.write32(4, 0);
    expect(file.peek32(4)).toBe(3);
    expect(file.log.totals["reserved-write"]).toBe(1);
    expect(file.log.totals["ro-write"]).toBe(1);
    expect(file.log.recent().map((e) => e.kind)).toEqual(["reserved-write", "ro-write"]);
  });
});

describe("hooks", () => {
  it("write hooks see the bus value and the previous contents; read hooks run before the read", () => {
    const reg: RegisterDef = {
      name: "Q",
      offset: 0,
      count: 4,
      stride: 8,
      group: "test",
      title: "q",
      desc: "q",
      fields: [{ name: "V", msb: 15, lsb: 0, access: "rw", desc: "v" }],
    };
    const file = new RegisterFile(new RegisterMap([reg], [], BAR));
    const seen: number[][] = [];
    file.onWrite("Q", (n, written, previous) => seen.push([n, written, previous]));
    file.onRead("Q", (n) => file.hwWrite(n * 2, 100 + n));
    file.write32(16, 0x1_2345);
    file.write32(16, 7);
    expect(seen).toEqual([
      [2, 0x1_2345, 0],
      [2, 7, 0x2345],
    ]);
    expect(file.read32(24)).toBe(103);
  });
});
