import { describe, expect, it } from "vitest";
import { resolveDeviceParams } from "../../src/hw/device-params.js";
import { renderCHeader } from "../../src/hw/regs/docs/c-header.js";
import { renderRegisterMarkdown } from "../../src/hw/regs/docs/markdown.js";
import { fieldTableRows, registerSections } from "./markdown-sections.js";
import { syntheticMap } from "./synthetic-map.js";

const params = resolveDeviceParams();
const map = syntheticMap();
const markdown = renderRegisterMarkdown(map, params);
const sections = registerSections(markdown);
const header = renderCHeader(map, params);

describe("generated docs for a synthetic map", () => {
  it("writes an array register's offset as base + n*stride with its range", () => {
    expect(sections.get("QCTL")).toContain("**Offset:** `0x01000 + n*0x40, n = 0..3`");
    expect(markdown).toContain(
      "| [QCTL](#reg-qctl) | `0x01000 + n*0x40, n = 0..3` | Queue control |",
    );
    expect(header).toMatch(/#define NICSIM_QCTL\(n\) +\(0x01000u \+ \(n\) \* 0x40u\)\n/);
    expect(header).toMatch(/#define NICSIM_QCTL_COUNT +4u\n/);
    expect(header).toMatch(/#define NICSIM_QCTL_STRIDE +0x40u\n/);
  });

  it("evaluates the array macro to each instance's offset", () => {
    const body = /#define NICSIM_QCTL\(n\) +(.+)\n/.exec(header)?.[1];
    expect(body).toBeDefined();
    const js = body!.replace(/(0x[0-9A-F]+|\d+)u/g, "$1");
    const offsetOf = new Function("n", `return ${js};`) as (n: number) => number;
    expect([0, 1, 2, 3].map(offsetOf)).toEqual([0x1000, 0x1040, 0x1080, 0x10c0]);
  });

  it("renders the enum table after the field table, and enum macros", () => {
    const ctl = sections.get("CTL")!;
    const table = ctl.indexOf("| Bits | Type |");
    const values = ctl.indexOf("**MODE values**");
    expect(table).toBeGreaterThan(-1);
    expect(values).toBeGreaterThan(table);
    expect(ctl).toContain("| Value | Name | Description |");
    expect(ctl).toContain("| 0x0 | OFF | Stopped. |");
    expect(ctl).toContain("| 0x2 | FAST | Full speed. |");
    expect(header).toMatch(/#define NICSIM_CTL_MODE_FAST +2u\n/);
    expect(header).toMatch(/#define NICSIM_CTL_MODE_MASK +0x60000000u\n/);
    expect(header).toMatch(/#define NICSIM_CTL_MODE_SHIFT +29\n/);
  });

  it("explains both halves of a 64-bit counter and links them", () => {
    expect(sections.get("OCTETS_L")).toContain(
      "Low half of the 64-bit counter OCTETS (high half: [OCTETS_H](#reg-octets_h))",
    );
    expect(sections.get("OCTETS_H")).toContain(
      "High half of the 64-bit counter OCTETS (low half: [OCTETS_L](#reg-octets_l))",
    );
    expect(sections.get("OCTETS_H")).toContain("Never read-modify-write");
  });

  it("escapes a pipe in a description instead of breaking the table", () => {
    const kick = fieldTableRows(sections.get("CTL")!).find((row) => row[3] === "KICK");
    expect(kick).toEqual(["[3:0]", "wo", "0x0", "KICK", "Doorbell: queue \\| ring (any value)."]);
  });

  it("defines W1C and RC masks only where a register has such bits", () => {
    expect(header).toMatch(/#define NICSIM_ISR_W1C_MASK +0x0000FFFFu\n/);
    expect(header).toMatch(/#define NICSIM_QCTL_RC_MASK +0x000000F0u\n/);
    expect(header).not.toContain("NICSIM_CTL_W1C_MASK");
    expect(header).not.toContain("NICSIM_CTL_RC_MASK");
  });

  it("keeps a register whose group is not described, under Other registers", () => {
    expect(sections.has("LOOSE")).toBe(true);
    expect(markdown).toContain("## Other registers");
    expect(markdown.indexOf("## Other registers")).toBeGreaterThan(
      markdown.indexOf("## Statistics"),
    );
  });

  it("puts the 82599 note in once, without repeating its label", () => {
    expect(sections.get("CTL")).toContain("- **82599:** like CTRL, but smaller.");
  });
});
