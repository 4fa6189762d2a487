import type { RegisterDef } from "../schema.js";
import type { Placement } from "./builders.js";

/** What differs between the receive and transmit queue blocks. */
export interface RingBlock {
  /** "RD" or "TD". */
  readonly prefix: string;
  /** "Receive" or "Transmit". */
  readonly direction: string;
  readonly group: string;
  /** Placement of the register at `offset` within the block, for every queue. */
  at(offset: number): Placement;
  /** The 82599 line for register `name` at block offset `offset`. */
  compat(name: string, offset: number): string;
}

/**
 * The ring address registers both directions share: base address low and high, and
 * length. Software programs them while the queue is disabled; the device latches them
 * when the queue is enabled.
 */
export function ringAddressRegisters(block: RingBlock): RegisterDef[] {
  const { prefix, direction, group } = block;
  const def = (
    suffix: string,
    offset: number,
    title: string,
    desc: string,
    field: RegisterDef["fields"][number],
  ) => ({
    name: `${prefix}${suffix}`,
    ...block.at(offset),
    group,
    title: `${direction} descriptor ${title}`,
    desc,
    compat: block.compat(`${prefix}${suffix}`, offset),
    fields: [field],
  });
  return [
    def(
      "BAL",
      0x00,
      "base address (low)",
      "Bits 31:7 of the ring's host address; the ring is 128-byte aligned.",
      {
        name: "ADDR",
        msb: 31,
        lsb: 7,
        access: "rw",
        desc: "Base address bits 31:7.",
      },
    ),
    def("BAH", 0x04, "base address (high)", "Bits 63:32 of the ring's host address.", {
      name: "ADDR",
      msb: 31,
      lsb: 0,
      access: "rw",
      desc: "Base address bits 63:32.",
    }),
    def(
      "LEN",
      0x08,
      "ring length",
      "The ring's size in bytes, a multiple of 128 (8 descriptors of 16 bytes).",
      {
        name: "LEN",
        msb: 19,
        lsb: 7,
        access: "rw",
        desc: "Length in bytes, bits 19:7.",
      },
    ),
  ];
}
