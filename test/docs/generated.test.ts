import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DESCRIPTOR_FORMATS } from "../../src/hw/desc/formats.js";
import { resolveDeviceParams } from "../../src/hw/device-params.js";
import { renderGeneratedFiles } from "../../src/hw/regs/docs/generated.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("committed generated files", () => {
  for (const file of renderGeneratedFiles(resolveDeviceParams())) {
    it(`${file.path} matches the register map (else run \`npm run docs\`)`, () => {
      const committed = readFileSync(`${root}${file.path}`, "utf8");
      // Not toEqual on the whole text: a stale file should fail with a short message.
      expect(committed === file.content, `${file.path} is stale: run \`npm run docs\``).toBe(true);
    });
  }

  it("include the descriptor formats, so the staleness checks cover them too", () => {
    const files = renderGeneratedFiles(resolveDeviceParams());
    const content = (path: string) => files.find((f) => f.path === path)?.content ?? "";
    const markdown = content("docs/registers.md");
    const header = content("include/nicsim_regs.h");
    expect(markdown).toContain("## Descriptor formats");
    expect(header).toMatch(/^#define NICSIM_DESC_BYTES +16u$/m);
    for (const format of DESCRIPTOR_FORMATS) {
      expect(markdown).toContain(`### ${format.name}\n`);
      for (const field of format.fields) {
        expect(markdown).toContain(`| ${field.name} |`);
        expect(header).toContain(`#define NICSIM_${format.name}_${field.name}_DWORD `);
      }
    }
  });
});
