import type { DescriptorField, DescriptorFormat } from "../../desc/schema.js";
import { DESCRIPTOR_BYTES, DESCRIPTOR_DWORDS } from "../../desc/schema.js";
import { descriptorCompatNote, descriptorReservedMeaning, WRITER_MEANING } from "./describe.js";
import { bitsLabel, hex } from "./format.js";
import { type BitRun, type DwordLayout, descriptorDwords } from "./layout.js";
import { anchor, DESCRIPTORS_ANCHOR, descriptorAnchor, table } from "./markdown-text.js";

/** The descriptor formats' entry in the page's summary: every format, linked. */
export function renderDescriptorSummary(formats: readonly DescriptorFormat[]): string[] {
  if (formats.length === 0) return [];
  const rows = formats.map((f) => [`[${f.name}](#${descriptorAnchor(f.name)})`, f.writer, f.title]);
  return [
    `**[Descriptor formats](#${DESCRIPTORS_ANCHOR})**`,
    "",
    ...table(["Format", "Written by", "Title"], rows),
    "",
  ];
}

/** The descriptor formats part of the page: how to read it, then one section per format. */
export function renderDescriptorPart(formats: readonly DescriptorFormat[]): string[] {
  if (formats.length === 0) return [];
  return [
    anchor(DESCRIPTORS_ANCHOR),
    "",
    "## Descriptor formats",
    "",
    `Receive and transmit rings hold descriptors of ${DESCRIPTOR_BYTES} bytes: ` +
      `${DESCRIPTOR_DWORDS} little-endian 32-bit dwords, dword \`n\` at byte offset \`4*n\` ` +
      "of the descriptor. Bits are numbered within their dword, from 0 (least significant) " +
      "to 31, as in the registers. Each format says who writes it: software, for the device " +
      "to read, or the device, writing back over a descriptor software posted. Bits no field " +
      "covers are `rsvd`: whoever writes the format writes them as 0, and the reader ignores " +
      "them.",
    "",
    "The C header gives each field as `NICSIM_<FORMAT>_<FIELD>_DWORD` (the dword's index), " +
      "`_SHIFT` and `_MASK` (in place within that dword), and the descriptor size as " +
      "`NICSIM_DESC_BYTES`.",
    "",
    ...formats.flatMap(renderDescriptorSection),
  ];
}

/** One format's section: heading, facts, then each dword's bit diagram and field table. */
function renderDescriptorSection(format: DescriptorFormat): string[] {
  return [
    anchor(descriptorAnchor(format.name)),
    "",
    `### ${format.name}`,
    "",
    `**${format.title}**`,
    "",
    format.desc,
    "",
    `- **Size:** ${DESCRIPTOR_BYTES} bytes (${DESCRIPTOR_DWORDS} dwords)`,
    `- **Written by:** ${WRITER_MEANING[format.writer]}`,
    `- **82599:** ${descriptorCompatNote(format)}`,
    "",
    ...descriptorDwords(format).flatMap((layout) => renderDword(format, layout)),
  ];
}

/** A dword at a glance (one column per run, MSB first), then every run as a row. */
function renderDword(format: DescriptorFormat, { dword, runs }: DwordLayout): string[] {
  const first = dword * 4;
  return [
    `**Dword ${dword}** (bytes ${first}–${first + 3})`,
    "",
    ...bitDiagram(runs),
    "",
    ...dwordTable(format, dword, runs),
    "",
    ...runs.flatMap((run) => valueTable(run.field)),
  ];
}

function bitDiagram(runs: readonly BitRun<DescriptorField>[]): string[] {
  const bits = runs.map((r) => (r.msb === r.lsb ? `${r.msb}` : `${r.msb}:${r.lsb}`));
  const names = runs.map((r) => r.field?.name ?? "rsvd");
  return table(bits, [names], "c".repeat(runs.length));
}

/** Every bit of the dword exactly once, MSB first, reserved runs as rows named `rsvd`. */
function dwordTable(
  format: DescriptorFormat,
  dword: number,
  runs: readonly BitRun<DescriptorField>[],
): string[] {
  const reserved = descriptorReservedMeaning(format);
  const rows = runs.map(({ msb, lsb, field }) => [
    `${dword}`,
    bitsLabel(msb, lsb),
    field?.name ?? "rsvd",
    field?.desc ?? reserved,
  ]);
  return table(["Dword", "Bits", "Name", "Description"], rows, "rl");
}

/** The named values of a field, or nothing. */
function valueTable(field: DescriptorField | undefined): string[] {
  if (field?.enum === undefined || field.enum.length === 0) return [];
  const rows = field.enum.map((e) => [hex(e.value), e.name, e.desc]);
  return [
    `**${field.name} values**`,
    "",
    ...table(["Value", "Name", "Description"], rows, "r"),
    "",
  ];
}
