import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveDeviceParams } from "../../src/hw/device-params.js";
import { renderCHeader } from "../../src/hw/regs/docs/c-header.js";
import { renderRegisterMarkdown } from "../../src/hw/regs/docs/markdown.js";
import { RegisterMap } from "../../src/hw/regs/register-map.js";
import { arbRegister, type GenKind, maskOf } from "../regs/random-schema.js";
import { fieldTableBits, fieldTableRows, registerSections } from "./markdown-sections.js";

// Counters need a counter declaration and only cnt fields, so random layouts leave them out.
const KINDS: GenKind[] = ["rw", "ro", "wo", "w1c", "w1s", "sc", "rc", "gap"];
const GROUPS = [{ name: "test", title: "Test", desc: "Generated registers." }];
const params = resolveDeviceParams();

describe("docs of randomly laid out registers", () => {
  it("cover every bit once, MSB first, with each field's access", () => {
    fc.assert(
      fc.property(arbRegister("RND", 0, KINDS), (reg) => {
        const map = new RegisterMap([reg], GROUPS, 0x100);
        const section = registerSections(renderRegisterMarkdown(map, params)).get("RND")!;
        const bits = fieldTableBits(section);
        const covered = bits.flatMap(({ msb, lsb }) =>
          Array.from({ length: msb - lsb + 1 }, (_, i) => msb - i),
        );
        expect(covered).toEqual(Array.from({ length: 32 }, (_, i) => 31 - i));
        const typed = fieldTableRows(section).map((row) => `${row[3]}:${row[1]}`);
        for (const f of reg.fields) expect(typed).toContain(`${f.name}:${f.access}`);
      }),
      { numRuns: 200 },
    );
  });

  it("give the header's W1C and RC masks bit for bit", () => {
    fc.assert(
      fc.property(arbRegister("RND", 0, KINDS), (reg) => {
        const header = renderCHeader(new RegisterMap([reg], GROUPS, 0x100), params);
        for (const [kind, suffix] of [
          ["w1c", "W1C_MASK"],
          ["rc", "RC_MASK"],
        ] as const) {
          const mask = maskOf(reg, [kind]);
          const found = new RegExp(`#define NICSIM_RND_${suffix} +0x([0-9A-F]{8})u`).exec(header);
          expect(found === null ? 0 : Number.parseInt(found[1]!, 16)).toBe(mask);
        }
      }),
      { numRuns: 200 },
    );
  });
});
