import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
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
});
