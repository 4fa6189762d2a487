import { describe, expect, it } from "vitest";
import { resolveDeviceParams } from "../../src/hw/device-params.js";
import { renderRegisterText } from "../../src/hw/regs/docs/terminal.js";
import { buildRegisterMap } from "../../src/hw/regs/map/index.js";
import { syntheticMap } from "./synthetic-map.js";

const map = buildRegisterMap(resolveDeviceParams());

function text(result: ReturnType<typeof renderRegisterText>): string {
  if (!result.ok) throw new Error(`expected text, got: ${result.message}`);
  return result.text;
}

describe("register reference for the terminal", () => {
  it("lists every register with its offset, access and title", () => {
    const lines = text(renderRegisterText(map)).split("\n");
    expect(lines[0]).toMatch(/^NAME +OFFSET +ACCESS +TITLE$/);
    for (const reg of map.registers) {
      expect(lines.some((l) => l.startsWith(`${reg.name} `) && l.includes(reg.title))).toBe(true);
    }
    expect(lines.some((l) => /^IDENT +0x00010 +ro +Device identification$/.test(l))).toBe(true);
  });

  it("shows one register in full, whatever the case of its name", () => {
    const ctrl = text(renderRegisterText(map, "ctrl"));
    expect(text(renderRegisterText(map, "CTRL"))).toBe(ctrl);
    expect(ctrl).toMatch(/^CTRL: Device control\n/);
    expect(ctrl).toContain("Offset:  0x00000");
    expect(ctrl).toMatch(/\[26\] +sc +0x0 +RST +Device reset\./);
    expect(ctrl).toMatch(/\[31:27\] +rsvd +0x0 +- +Reserved/);
  });

  it("keeps lines within the width asked for, descriptions wrapped", () => {
    for (const reg of map.registers) {
      const lines = text(renderRegisterText(map, reg.name, 72)).split("\n");
      const long = lines.filter((l) => l.length > 72 && !/\S{30,}/.test(l));
      expect(long, reg.name).toEqual([]);
    }
  });

  it("warns on registers whose reads or writes clear state", () => {
    expect(text(renderRegisterText(map, "ACCERR"))).toContain("WARNING:");
    expect(text(renderRegisterText(map, "SCRATCH"))).not.toContain("WARNING:");
  });

  it("lists enum values and array offsets", () => {
    const synth = syntheticMap();
    expect(text(renderRegisterText(synth, "qctl"))).toContain("0x01000 + n*0x40, n = 0..3");
    expect(text(renderRegisterText(synth, "CTL"))).toMatch(/MODE values:\n +0x0 +OFF +Stopped\./);
  });

  it("rejects an unknown name with suggestions", () => {
    const typo = renderRegisterText(map, "STATSU");
    expect(typo).toEqual({
      ok: false,
      message: 'no register named "STATSU"; did you mean STATUS?',
    });
    const field = renderRegisterText(map, "rst");
    expect(field.ok).toBe(false);
    if (!field.ok) expect(field.message).toContain("RST is a field of CTRL");
    const nothing = renderRegisterText(map, "QWERTYUIOP");
    expect(nothing.ok).toBe(false);
    if (!nothing.ok) expect(nothing.message).toContain("`nicsim regs`");
  });
});
