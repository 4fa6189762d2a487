import type { RegisterMap } from "../register-map.js";
import { type RegisterDef, registerResetMask, registerResetValue } from "../schema.js";
import { compatNote, counterSummary, hazardAdvice } from "./describe.js";
import { bitsLabel, hex, hex32, offsetText } from "./format.js";
import { accessKinds, bitRuns, groupSections } from "./layout.js";
import { columnRows, columns, wrap } from "./plain-text.js";
import { closeMatches } from "./suggest.js";

/** The text to print, or why there is none (the CLI prints the message and fails). */
export type RegisterTextResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly message: string };

/**
 * The register reference for a terminal (`nicsim regs [NAME]`): without a name, one
 * line per register; with one (any case), that register in full. `width` is where
 * prose wraps.
 */
export function renderRegisterText(
  map: RegisterMap,
  name?: string,
  width = 80,
): RegisterTextResult {
  const wanted = name?.trim().toUpperCase() ?? "";
  if (wanted === "") return { ok: true, text: summary(map) };
  const reg = map.byName(wanted);
  if (reg === undefined) return { ok: false, message: unknownName(map, name ?? "", wanted) };
  return { ok: true, text: detail(map, reg, width) };
}

function summary(map: RegisterMap): string {
  const sections = groupSections(map);
  const rows = [
    ["NAME", "OFFSET", "ACCESS", "TITLE"],
    ...sections.flatMap((s) =>
      s.registers.map((r) => [r.name, offsetText(r), accessKinds(r).join(","), r.title]),
    ),
  ];
  // One line per register, never wrapped, so that `nicsim regs | grep NAME` finds it whole.
  const [head = [], ...lines] = columnRows(rows, Number.POSITIVE_INFINITY);
  const out = [...head];
  let next = 0;
  for (const { group, registers } of sections) {
    out.push("", `${group.title}:`, ...lines.slice(next, next + registers.length).flat());
    next += registers.length;
  }
  return `${out.join("\n")}\n`;
}

function detail(map: RegisterMap, reg: RegisterDef, width: number): string {
  const group = map.groups.find((g) => g.name === reg.group)?.title ?? reg.group;
  const facts = [
    ["Offset:", offsetText(reg)],
    ["Reset:", `${hex32(registerResetValue(reg))} (mask ${hex32(registerResetMask(reg))})`],
    ["Access:", accessKinds(reg).join(", ")],
    ["Group:", group],
  ];
  const out = [`${reg.name}: ${reg.title}`, ...indent(columns(facts, width - 2)), ""];
  out.push(...wrap(reg.desc, width), "");
  out.push(...paragraph("Counter", counterSummary(map, reg), width));
  out.push(...paragraph("Side effects", reg.sideEffects, width));
  out.push(...paragraph("82599", compatNote(reg), width));
  out.push(...paragraph("WARNING", hazardAdvice(reg), width));
  out.push("Fields:", ...indent(fieldRows(reg, width - 2)), ...enumLists(reg, width));
  return `${out.join("\n").trimEnd()}\n`;
}

function fieldRows(reg: RegisterDef, width: number): string[] {
  const rows = bitRuns(reg).map(({ msb, lsb, field }) =>
    field === undefined
      ? [bitsLabel(msb, lsb), "rsvd", "0x0", "-", "Reserved: reads 0, writes ignored."]
      : [bitsLabel(msb, lsb), field.access, hex(field.reset ?? 0), field.name, field.desc],
  );
  return columns([["BITS", "TYPE", "RESET", "NAME", "DESCRIPTION"], ...rows], width);
}

function enumLists(reg: RegisterDef, width: number): string[] {
  return bitRuns(reg).flatMap(({ field }) => {
    if (field?.enum === undefined || field.enum.length === 0) return [];
    const rows = field.enum.map((e) => [hex(e.value), e.name, e.desc]);
    return ["", `${field.name} values:`, ...indent(columns(rows, width - 2))];
  });
}

/** A labelled, wrapped paragraph, or nothing when the schema has no such text. */
function paragraph(label: string, text: string | undefined, width: number): string[] {
  if (text === undefined) return [];
  return [`${label}:`, ...indent(wrap(text, width - 2)), ""];
}

function indent(lines: readonly string[]): string[] {
  return lines.map((l) => (l === "" ? l : `  ${l}`));
}

function unknownName(map: RegisterMap, name: string, wanted: string): string {
  const owners = map.registers.filter((r) => r.fields.some((f) => f.name === wanted));
  const names = map.registers.map((r) => r.name);
  const guesses = [...new Set([...owners.map((r) => r.name), ...closeMatches(wanted, names)])];
  const fieldNote =
    owners.length === 0 ? "" : ` (${wanted} is a field of ${owners.map((r) => r.name).join(", ")})`;
  const hint =
    guesses.length === 0
      ? "; run `nicsim regs` to list the registers"
      : `; did you mean ${orList(guesses.slice(0, 4))}?${fieldNote}`;
  return `no register named ${JSON.stringify(name)}${hint}`;
}

/** "A", "A or B", "A, B or C". */
function orList(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}
