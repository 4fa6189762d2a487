import type { RegisterMap } from "../register-map.js";
import {
  type FieldDef,
  type RegisterDef,
  registerResetMask,
  registerResetValue,
} from "../schema.js";
import { compatNote, counterSummary, hazardAdvice, RESERVED_MEANING } from "./describe.js";
import { bitsLabel, hex, hex32, offsetText } from "./format.js";
import { accessKinds, type BitRun, bitRuns } from "./layout.js";
import { anchor, registerAnchor, registerRef, table } from "./markdown-text.js";

/** One register's section: heading, facts, hazard note, bit diagram, fields, enums. */
export function renderRegisterSection(map: RegisterMap, reg: RegisterDef): string[] {
  const runs = bitRuns(reg);
  const hazard = hazardAdvice(reg);
  return [
    anchor(registerAnchor(reg.name)),
    "",
    `### ${reg.name}`,
    "",
    `**${reg.title}**`,
    "",
    reg.desc,
    "",
    ...facts(map, reg),
    "",
    ...(hazard === undefined ? [] : [`> **Warning:** ${hazard}`, ""]),
    ...bitDiagram(runs),
    "",
    ...fieldTable(runs),
    "",
    ...runs.flatMap((run) => enumTable(run.field)),
  ];
}

/** The bulleted facts under the description; optional ones only when the schema has them. */
function facts(map: RegisterMap, reg: RegisterDef): string[] {
  const access = accessKinds(reg)
    .map((kind) => `\`${kind}\``)
    .join(", ");
  const counter = counterSummary(map, reg, (name) => registerRef(map, name));
  const lines = [
    `- **Offset:** \`${offsetText(reg)}\``,
    `- **Reset default:** \`${hex32(registerResetValue(reg))}\``,
    `- **Reset mask:** \`${hex32(registerResetMask(reg))}\``,
    `- **Access:** ${access}`,
  ];
  if (counter !== undefined) lines.push(`- **Counter:** ${counter}`);
  if (reg.sideEffects !== undefined) lines.push(`- **Side effects:** ${reg.sideEffects}`);
  const compat = compatNote(reg);
  if (compat !== undefined) lines.push(`- **82599:** ${compat}`);
  return lines;
}

/** The register at a glance: one column per run of bits, MSB first. */
function bitDiagram(runs: readonly BitRun[]): string[] {
  const bits = runs.map((r) => (r.msb === r.lsb ? `${r.msb}` : `${r.msb}:${r.lsb}`));
  const names = runs.map((r) => r.field?.name ?? "rsvd");
  return table(bits, [names], "c".repeat(runs.length));
}

/** Every bit exactly once, MSB first, reserved runs as rows of their own. */
function fieldTable(runs: readonly BitRun[]): string[] {
  const rows = runs.map(({ msb, lsb, field }) =>
    field === undefined
      ? [bitsLabel(msb, lsb), "rsvd", "0x0", "—", RESERVED_MEANING]
      : [bitsLabel(msb, lsb), field.access, hex(field.reset ?? 0), field.name, field.desc],
  );
  return table(["Bits", "Type", "Reset", "Name", "Description"], rows, "llrll");
}

/** The named values of an enumerated field, or nothing. */
function enumTable(field: FieldDef | undefined): string[] {
  if (field?.enum === undefined || field.enum.length === 0) return [];
  const rows = field.enum.map((e) => [hex(e.value), e.name, e.desc]);
  return [
    `**${field.name} values**`,
    "",
    ...table(["Value", "Name", "Description"], rows, "r"),
    "",
  ];
}
