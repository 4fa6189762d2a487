import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DESCRIPTOR_FORMATS } from "../../src/hw/desc/formats.js";
import type { DescriptorField, DescriptorFormat } from "../../src/hw/desc/schema.js";
import { validateDescriptorFormats } from "../../src/hw/desc/validate.js";
import { resolveDeviceParams } from "../../src/hw/device-params.js";
import { renderCHeader } from "../../src/hw/regs/docs/c-header.js";
import { renderRegisterMarkdown } from "../../src/hw/regs/docs/markdown.js";
import { buildRegisterMap } from "../../src/hw/regs/map/index.js";
import { compileWithHeader, haveCc } from "./c-compiler.js";
import { descriptorSections, type LayoutRow, layoutRows } from "./markdown-sections.js";
import { syntheticMap } from "./synthetic-map.js";

const params = resolveDeviceParams();
const deviceMap = buildRegisterMap(params);
const NO_CC = "no C compiler found (`cc` is not on PATH): the header was not compiled";
const ccFound = haveCc();

/** Bits msb..lsb set, computed bit by bit (independently of the renderers' arithmetic). */
function maskOf(msb: number, lsb: number): number {
  let mask = 0;
  for (let bit = lsb; bit <= msb; bit++) mask = (mask | (1 << bit)) >>> 0;
  return mask;
}

/** The value of `#define NAME VALUE` in the header (a `u` suffix dropped), or undefined. */
function macroValue(header: string, name: string): number | undefined {
  const found = new RegExp(`^#define ${name} +(0x[0-9A-F]+|\\d+)u?$`, "m").exec(header);
  return found === null ? undefined : Number(found[1]);
}

/** A small valid format for the validator tests to break one thing at a time. */
function format(
  fields: DescriptorField[],
  overrides: Partial<DescriptorFormat> = {},
): DescriptorFormat {
  return {
    name: "TEST",
    title: "Test descriptor",
    desc: "For tests.",
    writer: "software",
    compat: "None.",
    fields,
    ...overrides,
  };
}

function field(name: string, dword: 0 | 1 | 2 | 3, msb: number, lsb: number): DescriptorField {
  return { name, dword, msb, lsb, desc: `${name}.` };
}

describe("descriptor format validator", () => {
  it("accepts every format of the model", () => {
    expect(validateDescriptorFormats(DESCRIPTOR_FORMATS)).toEqual([]);
  });

  it("accepts the same bits in different dwords, and whole dwords", () => {
    const ok = format([field("A", 0, 31, 0), field("B", 1, 31, 0), field("C", 2, 0, 0)]);
    expect(validateDescriptorFormats([ok])).toEqual([]);
  });

  it.each<[string, DescriptorFormat[], RegExp]>([
    [
      "a lower-case format name",
      [format([field("A", 0, 0, 0)], { name: "test" })],
      /^test: name is not an upper-case identifier$/,
    ],
    ["a field name that is no C identifier", [format([field("9LIVES", 0, 0, 0)])], /identifier/],
    ["a field name with a dash", [format([field("A-B", 0, 0, 0)])], /identifier/],
    ["a field defined twice", [format([field("A", 0, 0, 0), field("A", 1, 0, 0)])], /twice/],
    ["bit 32", [format([field("A", 0, 32, 0)])], /do not fit/],
    ["msb below lsb", [format([field("A", 0, 3, 4)])], /do not fit/],
    ["a negative lsb", [format([field("A", 0, 3, -1)])], /do not fit/],
    ["a fractional bit", [format([field("A", 0, 3.5, 0)])], /do not fit/],
    ["dword 4", [format([field("A", 4 as 0, 3, 0)])], /dword 4/],
    [
      "overlapping fields in one dword",
      [format([field("A", 2, 7, 0), field("B", 2, 8, 7)])],
      /B: overlaps another field in dword 2/,
    ],
    ["a format with no fields", [format([])], /no fields/],
    ["an empty title", [format([field("A", 0, 0, 0)], { title: " " })], /title is empty/],
    [
      "an unknown writer",
      [format([field("A", 0, 0, 0)], { writer: "driver" as "software" })],
      /not software or device/,
    ],
    ["two formats of one name", [format([field("A", 0, 0, 0)]), format([])], /defined twice/],
    [
      "a named value too big for its field",
      [format([{ ...field("A", 0, 1, 0), enum: [{ value: 4, name: "FOUR", desc: "." }] }])],
      /FOUR = 4 does not fit/,
    ],
    [
      "a named value that would clash with a macro",
      [format([{ ...field("A", 0, 1, 0), enum: [{ value: 1, name: "MASK", desc: "." }] }])],
      /clash/,
    ],
  ])("rejects %s", (_, formats, problem) => {
    const problems = validateDescriptorFormats(formats);
    expect(
      problems.some((p) => problem.test(p)),
      problems.join("\n"),
    ).toBe(true);
  });

  it("reports an overlap exactly when two fields of one dword share a bit", () => {
    const arbField = fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 31 }), fc.nat(31))
      .map(([dword, lsb, extra]) => ({ dword, lsb, msb: Math.min(31, lsb + extra) }));
    fc.assert(
      fc.property(fc.array(arbField, { minLength: 1, maxLength: 8 }), (spans) => {
        const fields = spans.map((s, i) => field(`F${i}`, s.dword as 0, s.msb, s.lsb));
        const shared = spans.some((a, i) =>
          spans.some((b, j) => j > i && a.dword === b.dword && a.lsb <= b.msb && b.lsb <= a.msb),
        );
        const problems = validateDescriptorFormats([format(fields)]);
        expect(
          problems.some((p) => p.includes("overlaps")),
          problems.join("\n"),
        ).toBe(shared);
        expect(problems.filter((p) => !p.includes("overlaps"))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

/** Checks a format's section: every bit of every dword once, in order, each field named. */
function expectLayout(section: string, fmt: DescriptorFormat): void {
  const rows = layoutRows(section);
  const order = rows.map((r) => [r.dword, -r.msb]);
  const sorted = [...order].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  expect(order, `${fmt.name}: dword 0 first, MSB first`).toEqual(sorted);
  for (const dword of [0, 1, 2, 3]) {
    const covered = rows
      .filter((r) => r.dword === dword)
      .flatMap((r) => Array.from({ length: r.msb - r.lsb + 1 }, (_, i) => r.msb - i));
    expect(covered, `${fmt.name} dword ${dword}`).toEqual(
      Array.from({ length: 32 }, (_, i) => 31 - i),
    );
  }
  const named = rows.filter((r) => r.name !== "rsvd");
  const expected = fmt.fields.map<LayoutRow>((f) => ({
    dword: f.dword,
    msb: f.msb,
    lsb: f.lsb,
    name: f.name,
    desc: f.desc.replace(/\|/g, "\\|"),
  }));
  const byPosition = (a: LayoutRow, b: LayoutRow) => a.dword - b.dword || b.msb - a.msb;
  expect(named, `${fmt.name}: one row per field`).toEqual(expected.sort(byPosition));
}

describe("descriptor formats in the register reference", () => {
  const markdown = renderRegisterMarkdown(deviceMap, params);
  const sections = descriptorSections(markdown);

  it("has a section per format, each dword laid out bit by bit with every field", () => {
    expect([...sections.keys()]).toEqual(DESCRIPTOR_FORMATS.map((f) => f.name));
    for (const fmt of DESCRIPTOR_FORMATS) expectLayout(sections.get(fmt.name)!, fmt);
  });

  it("gives each format's title, description, writer and 82599 relation", () => {
    for (const fmt of DESCRIPTOR_FORMATS) {
      const section = sections.get(fmt.name)!;
      expect(section).toContain(`**${fmt.title}**`);
      expect(section).toContain(fmt.desc);
      expect(section).toMatch(new RegExp(`- \\*\\*Written by:\\*\\* (the )?${fmt.writer}\\b`));
      expect(section).toContain(`- **82599:** ${fmt.compat}`);
    }
  });

  it("says who must write reserved bits as 0", () => {
    const rsvd = (name: string) =>
      layoutRows(sections.get(name)!).filter((r) => r.name === "rsvd")[0]?.desc;
    expect(rsvd("TX_DATA")).toMatch(/^Reserved: software writes 0/);
    expect(rsvd("RX_WRITEBACK")).toMatch(/^Reserved: the device writes 0/);
  });

  it("puts the formats after the registers, linked from the summary", () => {
    const part = markdown.indexOf('<a id="descriptors"></a>\n\n## Descriptor formats\n');
    const lastRegister = markdown.lastIndexOf('<a id="reg-');
    expect(part).toBeGreaterThan(lastRegister);
    expect(lastRegister).toBeGreaterThan(-1);
    const summary = markdown.indexOf("## Register summary");
    const firstGroup = markdown.indexOf('<a id="group-');
    const link = markdown.indexOf("**[Descriptor formats](#descriptors)**");
    expect(link).toBeGreaterThan(summary);
    expect(link).toBeLessThan(firstGroup);
    for (const fmt of DESCRIPTOR_FORMATS) {
      const row = `| [${fmt.name}](#desc-${fmt.name.toLowerCase()}) | ${fmt.writer} | ${fmt.title} |`;
      expect(markdown.slice(link, firstGroup)).toContain(row);
      expect(markdown).toContain(`<a id="desc-${fmt.name.toLowerCase()}"></a>`);
    }
  });

  it("lists named values after their dword's table", () => {
    const tx = sections.get("TX_DATA")!;
    expect(tx).toContain("**DTYP values**");
    expect(tx).toMatch(/\| 0x3 \| DATA \| .+ \|/);
    expect(tx).toMatch(/\| 0x2 \| CONTEXT \| .+ \|/);
    expect(tx.indexOf("**DTYP values**")).toBeGreaterThan(tx.indexOf("| 2 | [23:20] | DTYP |"));
    expect(tx.indexOf("**DTYP values**")).toBeLessThan(tx.indexOf("**Dword 3**"));
  });

  it("draws each dword as runs, MSB first", () => {
    expect(sections.get("RX_WRITEBACK")).toContain(
      "| 31:16 | 15:0 |\n|:-:|:-:|\n| VLAN | PKT_LEN |",
    );
  });
});

describe("descriptor formats in the C header", () => {
  const header = renderCHeader(deviceMap, params);

  it("defines the descriptor size and every field's dword, shift and mask", () => {
    expect(macroValue(header, "NICSIM_DESC_BYTES")).toBe(16);
    for (const fmt of DESCRIPTOR_FORMATS) {
      for (const f of fmt.fields) {
        const p = `NICSIM_${fmt.name}_${f.name}`;
        expect(macroValue(header, `${p}_DWORD`), p).toBe(f.dword);
        expect(macroValue(header, `${p}_SHIFT`), p).toBe(f.lsb);
        expect(macroValue(header, `${p}_MASK`), p).toBe(maskOf(f.msb, f.lsb));
        for (const e of f.enum ?? []) expect(macroValue(header, `${p}_${e.name}`)).toBe(e.value);
      }
    }
    expect(header).toMatch(/^#define NICSIM_RX_WRITEBACK_STAT_DD_DWORD +2u$/m);
    expect(header).toMatch(/^#define NICSIM_RX_WRITEBACK_STAT_DD_MASK +0x00000001u$/m);
  });

  it("compiles with the values the 82599 advanced descriptors have, written by hand", (ctx) => {
    if (!ccFound) ctx.skip(NO_CC);
    // The numbers are the 82599 datasheet's (and Linux ixgbe's), not taken from the schema.
    const source = `#include "nicsim_regs.h"
#include "nicsim_regs.h"
_Static_assert(NICSIM_DESC_BYTES == 16u, "16-byte descriptors");
_Static_assert(NICSIM_RX_WRITEBACK_STAT_DD_DWORD == 2u, "RX DD in dword 2");
_Static_assert(NICSIM_RX_WRITEBACK_STAT_DD_SHIFT == 0, "RX DD shift");
_Static_assert(NICSIM_RX_WRITEBACK_STAT_DD_MASK == 0x00000001u, "RX DD is bit 0");
_Static_assert(NICSIM_RX_WRITEBACK_STAT_EOP_DWORD == 2u, "RX EOP in dword 2");
_Static_assert(NICSIM_RX_WRITEBACK_STAT_EOP_MASK == 0x00000002u, "RX EOP is bit 1");
_Static_assert(NICSIM_RX_WRITEBACK_STAT_VP_MASK == 0x08u, "VP is bit 3");
_Static_assert(NICSIM_RX_WRITEBACK_ERR_IPE_MASK == 0x80000000u, "IPE is bit 31");
_Static_assert(NICSIM_RX_WRITEBACK_ERR_L4E_MASK == 0x40000000u, "L4E (TCPE) is bit 30");
_Static_assert(NICSIM_RX_WRITEBACK_PKT_LEN_DWORD == 3u, "PKT_LEN in dword 3");
_Static_assert(NICSIM_RX_WRITEBACK_PKT_LEN_SHIFT == 0, "PKT_LEN from bit 0");
_Static_assert(NICSIM_RX_WRITEBACK_PKT_LEN_MASK == 0x0000FFFFu, "PKT_LEN is bits 15:0");
_Static_assert(NICSIM_RX_WRITEBACK_VLAN_MASK == 0xFFFF0000u, "VLAN is bits 31:16");
_Static_assert(NICSIM_TX_DATA_CMD_EOP_DWORD == 2u, "TX EOP in dword 2");
_Static_assert(NICSIM_TX_DATA_CMD_EOP_MASK == 0x01000000u, "TX EOP is bit 24");
_Static_assert(NICSIM_TX_DATA_CMD_RS_DWORD == 2u, "RS in dword 2");
_Static_assert(NICSIM_TX_DATA_CMD_RS_MASK == 0x08000000u, "RS is bit 27");
_Static_assert(NICSIM_TX_DATA_CMD_DEXT_MASK == 0x20000000u, "DEXT is bit 29");
_Static_assert(NICSIM_TX_DATA_DTYP_DWORD == 2u, "DTYP in dword 2");
_Static_assert(NICSIM_TX_DATA_DTYP_SHIFT == 20, "DTYP from bit 20");
_Static_assert(NICSIM_TX_DATA_DTYP_MASK == 0x00F00000u, "DTYP is bits 23:20");
_Static_assert(NICSIM_TX_DATA_DTYP_DATA == 3u, "DTYP 3: data");
_Static_assert(NICSIM_TX_DATA_DTYP_CONTEXT == 2u, "DTYP 2: context");
_Static_assert(NICSIM_TX_DATA_DTALEN_MASK == 0x0000FFFFu, "DTALEN is bits 15:0");
_Static_assert(NICSIM_TX_DATA_PAYLEN_SHIFT == 14, "PAYLEN from bit 14");
_Static_assert(NICSIM_TX_DATA_POPTS_IXSM_MASK == 0x100u, "IXSM is bit 8");
_Static_assert(NICSIM_TX_DATA_POPTS_TXSM_MASK == 0x200u, "TXSM is bit 9");
_Static_assert(NICSIM_TX_DATA_STA_DD_DWORD == 3u, "TX DD in dword 3");
_Static_assert(NICSIM_TX_DATA_STA_DD_MASK == 0x00000001u, "TX DD is bit 0");
/* A data descriptor's dword 2 as a driver builds it: EOP | RS | DEXT, DTYP data, 60 bytes. */
_Static_assert((NICSIM_TX_DATA_CMD_EOP_MASK | NICSIM_TX_DATA_CMD_RS_MASK
                | NICSIM_TX_DATA_CMD_DEXT_MASK
                | (NICSIM_TX_DATA_DTYP_DATA << NICSIM_TX_DATA_DTYP_SHIFT) | 60u)
               == 0x2930003Cu, "ixgbe's EOP|RS|DEXT|DTYP_DATA with a 60-byte buffer");
int main(void) { return 0; }
`;
    const result = compileWithHeader(header, source);
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  });

  it("fails to compile when a descriptor assertion is false (the check can fail)", (ctx) => {
    if (!ccFound) ctx.skip(NO_CC);
    const source = `#include "nicsim_regs.h"\n_Static_assert(NICSIM_TX_DATA_CMD_RS_MASK == (1u << 26), "wrong");\n`;
    expect(compileWithHeader(header, source).ok).toBe(false);
  });
});

describe("renderers and descriptor formats", () => {
  it("refuse invalid formats", () => {
    const bad = [format([field("A", 0, 7, 0), field("B", 0, 3, 3)])];
    expect(() => renderRegisterMarkdown(deviceMap, params, bad)).toThrow(/overlaps/);
    expect(() => renderCHeader(deviceMap, params, bad)).toThrow(/overlaps/);
  });

  it("refuse a descriptor macro that a register macro already defines", () => {
    // The synthetic map's CTL.MODE gives NICSIM_CTL_MODE_SHIFT and _MASK.
    const clash = [format([field("MODE", 0, 30, 29)], { name: "CTL" })];
    expect(() => renderCHeader(syntheticMap(), params, clash)).toThrow(/NICSIM_CTL_MODE_SHIFT/);
  });

  it("leave the descriptor part out when there are no formats", () => {
    expect(renderRegisterMarkdown(deviceMap, params, [])).not.toContain("Descriptor formats");
    expect(renderCHeader(deviceMap, params, [])).not.toContain("NICSIM_DESC_BYTES");
  });
});

/** A random valid format: each dword cut into runs at random points, each a field or a gap. */
const arbDwordRuns = fc
  .uniqueArray(fc.integer({ min: 1, max: 31 }), { maxLength: 8 })
  .chain((cuts) => {
    const bounds = [0, ...[...cuts].sort((a, b) => a - b), 32];
    const runs = bounds.slice(1).map((end, i) => ({ lsb: bounds[i]!, msb: end - 1 }));
    const keep = fc.array(fc.boolean(), { minLength: runs.length, maxLength: runs.length });
    return fc.tuple(fc.constant(runs), keep);
  })
  .map(([runs, keep]) => runs.filter((_, i) => keep[i]));

const arbFormat: fc.Arbitrary<DescriptorFormat> = fc
  .tuple(
    fc.array(arbDwordRuns, { minLength: 4, maxLength: 4 }),
    fc.constantFrom("software", "device"),
  )
  .map(([dwords, writer]) => {
    const fields = dwords.flatMap((runs, dword) =>
      runs.map((r, i) => field(`D${dword}_F${i}`, dword as 0, r.msb, r.lsb)),
    );
    if (fields.length === 0) fields.push(field("ALL", 0, 31, 0));
    // Declared LSB first, so that the renderers must sort.
    return format(fields.reverse(), { name: "RND", writer });
  });

describe("docs of randomly laid out descriptor formats", () => {
  it("lay every dword out bit by bit and give every field's position in the header", () => {
    const map = syntheticMap();
    fc.assert(
      fc.property(arbFormat, (fmt) => {
        expect(validateDescriptorFormats([fmt])).toEqual([]);
        const section = descriptorSections(renderRegisterMarkdown(map, params, [fmt])).get("RND");
        expect(section).toBeDefined();
        expectLayout(section!, fmt);
        const header = renderCHeader(map, params, [fmt]);
        for (const f of fmt.fields) {
          const p = `NICSIM_RND_${f.name}`;
          expect(macroValue(header, `${p}_DWORD`)).toBe(f.dword);
          expect(macroValue(header, `${p}_SHIFT`)).toBe(f.lsb);
          expect(macroValue(header, `${p}_MASK`)).toBe(maskOf(f.msb, f.lsb));
        }
      }),
      { numRuns: 150 },
    );
  });
});
