import type { DeviceParams } from "../../device-params.js";
import type { RegisterMap } from "../register-map.js";
import { FIELD_ACCESS_KINDS } from "../schema.js";
import { ACCESS_MEANING, RESERVED_MEANING } from "./describe.js";
import { hex } from "./format.js";
import { registerRef, table } from "./markdown-text.js";

/** The page title and the notice that the page is generated, with the parameters it used. */
export function renderPreamble(map: RegisterMap, params: DeviceParams): string[] {
  return [
    "# nicsim register reference",
    "",
    "<!-- Generated from src/hw/regs/map/ and src/hw/desc/formats.ts by `npm run docs`. " +
      "Do not edit by hand. -->",
    "",
    "> **Generated file.** This page is generated from the register definitions in",
    "> `src/hw/regs/map/` and the descriptor formats in `src/hw/desc/formats.ts` by",
    "> `npm run docs`; do not edit it by hand. Change the definitions and regenerate",
    "> (`npm run docs:check` fails while the page is stale).",
    "",
    `Generated for a device with **${params.queues}** receive/transmit queue pairs and ` +
      `**${params.vectors}** MSI-X vectors; array registers are sized by these counts ` +
      `(a device built with other counts reports them in ${registerRef(map, "DEVCAP")}). ` +
      `The memory BAR is ${hex(map.barBytes)} bytes.`,
    "",
  ];
}

/** How to read the reference: offsets, access tokens, bad accesses, counters, 82599. */
export function renderConventions(map: RegisterMap): string[] {
  const ref = (name: string) => registerRef(map, name);
  const accessRows = FIELD_ACCESS_KINDS.map((kind) => [`\`${kind}\``, ACCESS_MEANING[kind]]);
  return [
    "## Conventions",
    "",
    "### Offsets and widths",
    "",
    "All offsets are byte offsets into the memory BAR. Every register is 32 bits wide and is",
    "accessed with aligned 32-bit reads and writes. Instance `n` of an array register sits at",
    "`base + n*stride`. Bits are numbered from 0 (least significant) to 31.",
    "",
    "### Access types",
    "",
    ...table(
      ["Token", "Meaning"],
      [...accessRows, ["`rsvd`", `${RESERVED_MEANING} No field covers them.`]],
    ),
    "",
    "A register's *reset default* is its value after power-on or a device reset; its *reset",
    "mask* marks the bits that value defines (every bit some field covers).",
    "",
    "### Bad accesses",
    "",
    "No register access is ever an error to the driver. The device ignores an access it",
    `cannot honour, records it in a sticky bit of ${ref("ACCERR")} and counts it in ` +
      `${ref("BADACC")}:`,
    "",
    "- **Unmapped offset** (no register there, including array instances beyond the device's",
    "  queue and vector counts): reads return 0, writes are ignored. Sets `ACCERR.UNMAPPED`.",
    "- **Unaligned offset** (not a multiple of 4): reads return 0, writes are ignored. Sets",
    "  `ACCERR.UNALIGNED`.",
    "- **Write to a register with no writable bit**: ignored. Sets `ACCERR.RO_WRITE`.",
    "- **Write setting reserved bits**: reserved bits always read 0, and writes to them are",
    "  ignored (the rest of the write takes effect). Sets `ACCERR.RESERVED_WRITE`.",
    "",
    "Writes to the read-only fields of a register that has writable fields are ignored",
    "without being recorded: that is how a driver updates the writable fields.",
    "",
    "### Counters",
    "",
    "Statistics counters (`cnt`) saturate at their width instead of wrapping, and clear when",
    "read. A 64-bit counter is a pair of registers, the low half at the lower offset. Read",
    "the low half first: that returns the low 32 bits, latches the high half and clears the",
    "counter. Then read the high half, which returns the latched value. Nothing counted",
    "between the two reads is lost; it is in the next reading.",
    "",
    "### Compatibility",
    "",
    "Behaviour follows the Intel 82599 family unless a register's **82599** line says how",
    "it deviates; registers nicsim adds say so there. Each descriptor format's **82599** line",
    "relates it to the 82599's advanced descriptors.",
    "",
  ];
}
