import { DESCRIPTOR_FORMATS } from "../../desc/formats.js";
import {
  DESCRIPTOR_BYTES,
  type DescriptorField,
  type DescriptorFormat,
  fieldPosition,
} from "../../desc/schema.js";
import { assertValidDescriptorFormats } from "../../desc/validate.js";
import type { DeviceParams } from "../../device-params.js";
import type { RegisterMap } from "../register-map.js";
import {
  accessMask,
  fieldMask,
  instanceCount,
  type RegisterDef,
  registerResetValue,
} from "../schema.js";
import { bitsLabel, hex, hex32, hexOffset } from "./format.js";
import { groupSections } from "./layout.js";

const GUARD = "NICSIM_REGS_H";
/** Values start in this column, so the header reads as a table. */
const VALUE_COLUMN = 48;

/** One `#define`: a macro name (with parameters, if any) and its replacement text. */
interface Define {
  readonly name: string;
  readonly value: string;
  readonly comment?: string;
}

/**
 * The C header, `include/nicsim_regs.h`: offsets, resets, field shifts and masks and
 * enum values as macros, then the descriptor formats' field positions, so a C driver
 * uses the same numbers as the model. Throws if the descriptor formats are invalid, or
 * if two macros would share a name (say a field `W1C` next to the register's
 * `_W1C_MASK`), since the compiler would otherwise keep whichever came last.
 */
export function renderCHeader(
  map: RegisterMap,
  params: DeviceParams,
  formats: readonly DescriptorFormat[] = DESCRIPTOR_FORMATS,
): string {
  assertValidDescriptorFormats(formats);
  const blocks = [deviceBlock(map, params), ...groupBlocks(map), ...descriptorBlocks(formats)];
  checkUnique(blocks.flatMap((b) => b.defines));
  return [
    "/*",
    " * nicsim register map and descriptor formats for C drivers.",
    " *",
    " * Generated from src/hw/regs/map/ and src/hw/desc/formats.ts by `npm run docs`. Do not",
    " * edit by hand: change the definitions and regenerate. Reference: docs/registers.md.",
    " *",
    " * Offsets are byte offsets into the memory BAR; registers are 32 bits. A field's MASK",
    " * is in place (already shifted); enum values are field values (shift them to place).",
    " * A descriptor field's DWORD is the index of its 32-bit little-endian dword within the",
    " * descriptor (at byte 4 * DWORD); its SHIFT and MASK apply within that dword.",
    " */",
    `#ifndef ${GUARD}`,
    `#define ${GUARD}`,
    "",
    blocks.map(formatBlock).join("\n\n"),
    "",
    `#endif /* ${GUARD} */`,
    "",
  ].join("\n");
}

/** Macros under a banner comment. */
interface Block {
  readonly banner: string;
  readonly defines: readonly Define[];
}

function formatBlock({ banner, defines }: Block): string {
  const rule = "/* ---------------------------------------------------------------------------";
  return [rule, ` * ${safeComment(banner)}`, " */", ...defines.map(formatDefine)].join("\n");
}

function deviceBlock(map: RegisterMap, params: DeviceParams): Block {
  return {
    banner: "Device parameters this header was generated with",
    defines: [
      { name: "NICSIM_NUM_QUEUES", value: `${params.queues}u` },
      { name: "NICSIM_NUM_VECTORS", value: `${params.vectors}u` },
      { name: "NICSIM_BAR_BYTES", value: `${hex(map.barBytes)}u` },
    ],
  };
}

function groupBlocks(map: RegisterMap): Block[] {
  return groupSections(map).map(({ group, registers }) => ({
    banner: group.title,
    defines: registers.flatMap(registerDefines),
  }));
}

function registerDefines(reg: RegisterDef): Define[] {
  const p = `NICSIM_${reg.name}`;
  const comment = `${reg.name}: ${reg.title}`;
  const defs: Define[] =
    instanceCount(reg) === 1
      ? [{ name: p, value: `${hexOffset(reg.offset)}u`, comment }]
      : [
          {
            name: `${p}(n)`,
            value: `(${hexOffset(reg.offset)}u + (n) * ${hex(reg.stride ?? 0)}u)`,
            comment,
          },
          { name: `${p}_COUNT`, value: `${instanceCount(reg)}u` },
          { name: `${p}_STRIDE`, value: `${hex(reg.stride ?? 0)}u` },
        ];
  defs.push({ name: `${p}_RESET`, value: `${hex32(registerResetValue(reg))}u` });
  defs.push(...accessMasks(reg, p));
  for (const field of [...reg.fields].sort((a, b) => b.msb - a.msb)) {
    const f = `${p}_${field.name}`;
    defs.push(
      {
        name: `${f}_SHIFT`,
        value: `${field.lsb}`,
        comment: `${reg.name}.${field.name} ${bitsLabel(field.msb, field.lsb)} ${field.access}`,
      },
      { name: `${f}_MASK`, value: `${hex32(fieldMask(field))}u` },
      ...(field.enum ?? []).map((e) => ({ name: `${f}_${e.name}`, value: `${e.value}u` })),
    );
  }
  return defs;
}

/** The descriptor size, then one block per format. */
function descriptorBlocks(formats: readonly DescriptorFormat[]): Block[] {
  if (formats.length === 0) return [];
  const size: Block = {
    banner: `Descriptors: ${DESCRIPTOR_BYTES}-byte ring entries of little-endian 32-bit dwords`,
    defines: [{ name: "NICSIM_DESC_BYTES", value: `${DESCRIPTOR_BYTES}u` }],
  };
  return [
    size,
    ...formats.map((format) => ({
      banner: `${format.name}: ${format.title} (written by ${writerName(format)})`,
      defines: [...format.fields].sort(dwordThenMsb).flatMap((f) => descriptorDefines(format, f)),
    })),
  ];
}

function writerName(format: DescriptorFormat): string {
  return format.writer === "device" ? "the device" : "software";
}

/** Fields in the reference's order: dword 0 first, MSB first within a dword. */
function dwordThenMsb(a: DescriptorField, b: DescriptorField): number {
  return a.dword - b.dword || b.msb - a.msb;
}

function descriptorDefines(format: DescriptorFormat, field: DescriptorField): Define[] {
  const f = `NICSIM_${format.name}_${field.name}`;
  // The engines' own positions, so that the header and the model cannot disagree.
  const { shift, mask } = fieldPosition(format, field.name);
  return [
    {
      name: `${f}_DWORD`,
      value: `${field.dword}u`,
      comment: `${format.name}.${field.name} dword ${field.dword} ${bitsLabel(field.msb, field.lsb)}`,
    },
    { name: `${f}_SHIFT`, value: `${shift}` },
    { name: `${f}_MASK`, value: `${hex32(mask)}u` },
    ...(field.enum ?? []).map((e) => ({ name: `${f}_${e.name}`, value: `${e.value}u` })),
  ];
}

/** The masks a driver needs to avoid read-modify-write hazards, where the register has such bits. */
function accessMasks(reg: RegisterDef, prefix: string): Define[] {
  const w1c = accessMask(reg, (a) => a === "w1c");
  const rc = accessMask(reg, (a) => a === "rc");
  const defs: Define[] = [];
  if (w1c !== 0) defs.push({ name: `${prefix}_W1C_MASK`, value: `${hex32(w1c)}u` });
  if (rc !== 0) defs.push({ name: `${prefix}_RC_MASK`, value: `${hex32(rc)}u` });
  return defs;
}

function formatDefine({ name, value, comment }: Define): string {
  const define = `#define ${name}`;
  const line = `${define.padEnd(VALUE_COLUMN - 1)} ${value}`;
  return comment === undefined ? line : `\n/* ${safeComment(comment)} */\n${line}`;
}

/** Text from the schema must not end the comment it is put in. */
function safeComment(text: string): string {
  return text.replace(/\*\//g, "* /");
}

function checkUnique(defs: readonly Define[]): void {
  const seen = new Set<string>();
  for (const { name } of defs) {
    const bare = name.replace(/\(.*$/, "");
    if (seen.has(bare)) throw new Error(`C header: macro ${bare} would be defined twice`);
    seen.add(bare);
  }
}
