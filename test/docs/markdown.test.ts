import { describe, expect, it } from "vitest";
import { resolveDeviceParams } from "../../src/hw/device-params.js";
import { renderRegisterMarkdown } from "../../src/hw/regs/docs/markdown.js";
import { buildRegisterMap } from "../../src/hw/regs/map/index.js";
import type { RegisterMap } from "../../src/hw/regs/register-map.js";
import { fieldTableBits, fieldTableRows, registerSections } from "./markdown-sections.js";
import { syntheticMap } from "./synthetic-map.js";

const params = resolveDeviceParams();
const maps: [string, RegisterMap][] = [
  ["device map", buildRegisterMap(params)],
  ["synthetic map", syntheticMap()],
];

describe.each(maps)("register markdown (%s)", (_, map) => {
  const markdown = renderRegisterMarkdown(map, params);
  const sections = registerSections(markdown);

  it("has a section for every register, naming every field", () => {
    expect([...sections.keys()].sort()).toEqual(map.registers.map((r) => r.name).sort());
    for (const reg of map.registers) {
      const names = fieldTableRows(sections.get(reg.name)!).map((row) => row[3]);
      for (const field of reg.fields)
        expect(names, `${reg.name}.${field.name}`).toContain(field.name);
    }
  });

  it("links every register from the summary, and every link has its anchor", () => {
    for (const reg of map.registers) {
      expect(markdown).toContain(`[${reg.name}](#reg-${reg.name.toLowerCase()})`);
    }
    const anchors = new Set([...markdown.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    for (const [, target] of markdown.matchAll(/\]\(#([^)]+)\)/g)) {
      expect(anchors, `link to #${target}`).toContain(target);
    }
  });

  it("warns against read-modify-write exactly on registers with W1C, RC or counter fields", () => {
    for (const reg of map.registers) {
      const clearsOnAccess = reg.fields.some((f) => ["w1c", "rc", "cnt"].includes(f.access));
      const section = sections.get(reg.name)!;
      expect(section.includes("Never read-modify-write"), reg.name).toBe(clearsOnAccess);
    }
    const hazardous = map.registers.filter((r) =>
      r.fields.some((f) => ["w1c", "rc", "cnt"].includes(f.access)),
    );
    expect(markdown.split("Never read-modify-write").length - 1).toBe(hazardous.length);
  });

  it("gives every register a field table covering each of the 32 bits exactly once", () => {
    for (const [name, section] of sections) {
      const covered = new Array<number>(32).fill(0);
      for (const { msb, lsb } of fieldTableBits(section)) {
        for (let bit = lsb; bit <= msb; bit++) covered[bit] = (covered[bit] ?? 0) + 1;
      }
      expect(covered, name).toEqual(new Array(32).fill(1));
    }
  });

  it("lists the table rows MSB first, five cells each, reserved runs typed rsvd", () => {
    for (const [name, section] of sections) {
      const rows = fieldTableRows(section);
      const msbs = fieldTableBits(section).map((b) => b.msb);
      expect(msbs, name).toEqual([...msbs].sort((a, b) => b - a));
      for (const row of rows) expect(row, name).toHaveLength(5);
      const reg = map.byName(name)!;
      const fieldRows = rows.filter((row) => row[1] !== "rsvd");
      expect(fieldRows.map((row) => row[1]).sort()).toEqual(reg.fields.map((f) => f.access).sort());
    }
  });

  it("is deterministic and ends with exactly one newline", () => {
    expect(renderRegisterMarkdown(map, params)).toBe(markdown);
    expect(markdown.endsWith("\n")).toBe(true);
    expect(markdown.endsWith("\n\n")).toBe(false);
  });

  it("says it is generated and with which parameters", () => {
    expect(markdown).toContain("generated from the register definitions in");
    expect(markdown).toContain("`npm run docs`");
    expect(markdown).toContain(`**${params.queues}** receive/transmit queue pairs`);
    expect(markdown).toContain(`**${params.vectors}** MSI-X vectors`);
    for (const token of ["rw", "ro", "wo", "w1c", "w1s", "sc", "rc", "cnt", "rsvd"]) {
      expect(markdown).toContain(`| \`${token}\` |`);
    }
  });
});

describe("register markdown of the device map", () => {
  const map = buildRegisterMap(params);
  const sections = registerSections(renderRegisterMarkdown(map, params));

  it("writes offsets with five hex digits and resets with eight", () => {
    const ident = sections.get("IDENT")!;
    expect(ident).toContain("**Offset:** `0x00010`");
    expect(ident).toContain("**Reset default:** `0x4E494353`");
    expect(ident).toContain("**Reset mask:** `0xFFFFFFFF`");
    expect(sections.get("CTRL")).toContain("**Reset mask:** `0x04000004`");
  });

  it("names only fields that exist when it writes REG.FIELD of one of its registers", () => {
    // Catches prose (the conventions, or a description) left behind by a renamed field.
    const markdown = renderRegisterMarkdown(map, params);
    for (const [ref, reg, field] of markdown.matchAll(
      /\b([A-Z][A-Z0-9_]*)\.([A-Z][A-Z0-9_]*)\b/g,
    )) {
      const def = map.byName(reg!);
      if (def !== undefined)
        expect(
          def.fields.map((f) => f.name),
          ref,
        ).toContain(field);
    }
  });

  it("draws the bit diagram as runs, MSB first", () => {
    expect(sections.get("CTRL")).toContain(
      "| 31:27 | 26 | 25:3 | 2 | 1:0 |\n|:-:|:-:|:-:|:-:|:-:|\n| rsvd | RST | rsvd | PCIE_MASTER_DISABLE | rsvd |",
    );
  });
});
