import { DESCRIPTOR_FORMATS } from "../../desc/formats.js";
import type { DescriptorFormat } from "../../desc/schema.js";
import { assertValidDescriptorFormats } from "../../desc/validate.js";
import type { DeviceParams } from "../../device-params.js";
import type { RegisterMap } from "../register-map.js";
import { offsetText } from "./format.js";
import { type GroupSection, groupSections } from "./layout.js";
import { renderConventions, renderPreamble } from "./markdown-conventions.js";
import { renderDescriptorPart, renderDescriptorSummary } from "./markdown-descriptor.js";
import { renderRegisterSection } from "./markdown-register.js";
import { anchor, groupAnchor, registerAnchor, table } from "./markdown-text.js";

/**
 * The register reference, `docs/registers.md`, in the manner of OpenTitan's generated
 * register pages: the registers, then the descriptor formats. Deterministic (no dates),
 * so that a stale copy is a plain diff. Throws if the descriptor formats are invalid.
 */
export function renderRegisterMarkdown(
  map: RegisterMap,
  params: DeviceParams,
  formats: readonly DescriptorFormat[] = DESCRIPTOR_FORMATS,
): string {
  assertValidDescriptorFormats(formats);
  const sections = groupSections(map);
  const lines = [
    ...renderPreamble(map, params),
    ...renderConventions(map),
    ...renderSummary(sections),
    ...renderDescriptorSummary(formats),
    ...sections.flatMap((s) => renderGroup(map, s)),
    ...renderDescriptorPart(formats),
  ];
  // One trailing newline, however the last section ended.
  return `${lines.join("\n").trimEnd()}\n`;
}

/** Every register, linked, grouped as the page is (the descriptor formats follow). */
function renderSummary(sections: readonly GroupSection[]): string[] {
  const lines = ["## Register summary", ""];
  for (const { group, registers } of sections) {
    const rows = registers.map((reg) => [
      `[${reg.name}](#${registerAnchor(reg.name)})`,
      `\`${offsetText(reg)}\``,
      reg.title,
    ]);
    lines.push(`**[${group.title}](#${groupAnchor(group.name)})**`, "");
    lines.push(...table(["Register", "Offset", "Title"], rows), "");
  }
  return lines;
}

function renderGroup(map: RegisterMap, { group, registers }: GroupSection): string[] {
  return [
    anchor(groupAnchor(group.name)),
    "",
    `## ${group.title}`,
    "",
    group.desc,
    "",
    ...registers.flatMap((reg) => renderRegisterSection(map, reg)),
  ];
}
