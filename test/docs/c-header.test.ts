import { describe, expect, it } from "vitest";
import { resolveDeviceParams } from "../../src/hw/device-params.js";
import { renderCHeader } from "../../src/hw/regs/docs/c-header.js";
import { buildRegisterMap } from "../../src/hw/regs/map/index.js";
import type { RegisterMap } from "../../src/hw/regs/register-map.js";
import {
  fieldMask,
  instanceCount,
  instanceOffset,
  registerResetValue,
} from "../../src/hw/regs/schema.js";
import { compileWithHeader, haveCc } from "./c-compiler.js";
import { syntheticMap } from "./synthetic-map.js";

const params = resolveDeviceParams();
const deviceMap = buildRegisterMap(params);
const NO_CC = "no C compiler found (`cc` is not on PATH): the header was not compiled";
const ccFound = haveCc();

/** `#define NAME` at the start of a line, followed by a space or a parameter list. */
function defines(header: string, name: string): boolean {
  return new RegExp(`^#define ${name.replace(/[()]/g, "\\$&")}[ (]`, "m").test(header);
}

/** One `_Static_assert` per macro, against the value the schema gives (checks C parses it so). */
function assertsForEveryMacro(map: RegisterMap): string[] {
  const lines: string[] = [];
  const check = (expr: string, value: number) =>
    lines.push(`_Static_assert((${expr}) == ${value >>> 0}u, "${expr}");`);
  for (const reg of map.registers) {
    const p = `NICSIM_${reg.name}`;
    if (instanceCount(reg) === 1) check(p, reg.offset);
    else {
      check(`${p}_COUNT`, instanceCount(reg));
      for (const n of [0, 1, instanceCount(reg) - 1]) check(`${p}(${n})`, instanceOffset(reg, n));
    }
    check(`${p}_RESET`, registerResetValue(reg));
    for (const f of reg.fields) {
      check(`${p}_${f.name}_SHIFT`, f.lsb);
      check(`${p}_${f.name}_MASK`, fieldMask(f));
      for (const e of f.enum ?? []) check(`${p}_${f.name}_${e.name}`, e.value);
    }
  }
  return lines;
}

describe.each([
  ["device map", deviceMap],
  ["synthetic map", syntheticMap()],
])("C header (%s)", (_, map) => {
  const header = renderCHeader(map, params);

  it("defines every register, its reset, and every field's shift and mask", () => {
    for (const reg of map.registers) {
      const p = `NICSIM_${reg.name}`;
      expect(defines(header, instanceCount(reg) === 1 ? p : `${p}(n)`), p).toBe(true);
      expect(defines(header, `${p}_RESET`), `${p}_RESET`).toBe(true);
      for (const f of reg.fields) {
        expect(defines(header, `${p}_${f.name}_SHIFT`), `${reg.name}.${f.name}`).toBe(true);
        expect(defines(header, `${p}_${f.name}_MASK`), `${reg.name}.${f.name}`).toBe(true);
      }
    }
  });

  it("is guarded, deterministic and ends with a newline", () => {
    expect(header).toMatch(/^#ifndef NICSIM_REGS_H\n#define NICSIM_REGS_H\n/m);
    expect(header.trimEnd().endsWith("#endif /* NICSIM_REGS_H */")).toBe(true);
    expect(header.endsWith("\n")).toBe(true);
    expect(renderCHeader(map, params)).toBe(header);
  });

  it("compiles, twice included, and every macro has the schema's value", (ctx) => {
    if (!ccFound) ctx.skip(NO_CC);
    const source = [
      '#include "nicsim_regs.h"',
      '#include "nicsim_regs.h"',
      ...assertsForEveryMacro(map),
      "int main(void) { return 0; }",
      "",
    ].join("\n");
    const result = compileWithHeader(header, source);
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });
});

describe("C header of the device map", () => {
  const header = renderCHeader(deviceMap, params);

  it("has the values the datasheet and the map document, written by hand", (ctx) => {
    if (!ccFound) ctx.skip(NO_CC);
    const source = `#include "nicsim_regs.h"
_Static_assert(NICSIM_CTRL == 0x00000u, "CTRL at 0");
_Static_assert(NICSIM_CTRL_RST_MASK == (1u << 26), "CTRL.RST is bit 26, as on the 82599");
_Static_assert(NICSIM_CTRL_RST_SHIFT == 26, "CTRL.RST shift");
_Static_assert(NICSIM_CTRL_PCIE_MASTER_DISABLE_MASK == 0x4u, "CTRL.PCIE_MASTER_DISABLE is bit 2");
_Static_assert(NICSIM_STATUS == 0x8u, "STATUS at 8");
_Static_assert(NICSIM_IDENT == 0x10u, "IDENT at 0x10");
_Static_assert(((NICSIM_IDENT_RESET & NICSIM_IDENT_MAGIC_MASK) >> NICSIM_IDENT_MAGIC_SHIFT)
               == 0x4E494353u, "IDENT reads 'NICS'");
_Static_assert(NICSIM_ACCERR_W1C_MASK == 0xFu, "ACCERR is four W1C bits");
_Static_assert(NICSIM_NUM_QUEUES == 128u && NICSIM_NUM_VECTORS == 64u, "82599 counts");
_Static_assert(NICSIM_BAR_BYTES == 0x20000u, "128 KiB BAR");
int main(void) { return 0; }
`;
    const result = compileWithHeader(header, source);
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  it("fails to compile when an assertion is false (the check can fail)", (ctx) => {
    if (!ccFound) ctx.skip(NO_CC);
    const source = `#include "nicsim_regs.h"\n_Static_assert(NICSIM_CTRL_RST_MASK == 1u, "wrong");\n`;
    expect(compileWithHeader(header, source).ok).toBe(false);
  });
});
