import type { DeviceParams } from "../../device-params.js";
import type { RegisterDef, RegisterGroup } from "../schema.js";
import { wordsFor } from "./builders.js";

export const MSIX_GROUP: RegisterGroup = {
  name: "msix",
  title: "MSI-X table and pending bits",
  desc:
    "The standard MSI-X table, one 16-byte entry per vector: the message address and data " +
    "the device writes to interrupt the host, and a per-vector mask. The host's interrupt " +
    "controller reads the destination processor from the address, so retargeting a vector " +
    "is a write to its table entry. A message due while its entry is masked sets the " +
    "vector's bit in MSIXPBA and is sent when the entry is unmasked.",
};

const TABLE_BASE = 0x10000;
const PBA_BASE = 0x11000;

/** MSI-X table and pending-bit array. */
export function msixRegisters(params: DeviceParams): RegisterDef[] {
  const entry = (offset: number) => ({
    offset: TABLE_BASE + offset,
    count: params.vectors,
    stride: 16,
  });
  const group = "msix";
  const compat =
    "PCI Express MSI-X table layout; the 82599 keeps it in BAR3, here it sits in the register BAR.";
  return [
    {
      name: "MSIXAL",
      ...entry(0x0),
      group,
      title: "MSI-X message address (low)",
      desc: "Low 32 bits of the address the message is written to (dword aligned).",
      compat,
      fields: [{ name: "ADDR", msb: 31, lsb: 2, access: "rw", desc: "Address bits 31:2." }],
    },
    {
      name: "MSIXAH",
      ...entry(0x4),
      group,
      title: "MSI-X message address (high)",
      desc: "High 32 bits of the message address.",
      compat,
      fields: [{ name: "ADDR", msb: 31, lsb: 0, access: "rw", desc: "Address bits 63:32." }],
    },
    {
      name: "MSIXDATA",
      ...entry(0x8),
      group,
      title: "MSI-X message data",
      desc: "The 32-bit value the message carries.",
      compat,
      fields: [{ name: "DATA", msb: 31, lsb: 0, access: "rw", desc: "Message data." }],
    },
    {
      name: "MSIXVCTRL",
      ...entry(0xc),
      group,
      title: "MSI-X vector control",
      desc: "Per-vector mask. Masked at reset, as the PCI specification requires.",
      sideEffects: "Clearing MASK with the vector's pending bit set sends the held message.",
      compat,
      fields: [
        { name: "MASK", msb: 0, lsb: 0, access: "rw", reset: 1, desc: "1: messages are held." },
      ],
    },
    {
      name: "MSIXPBA",
      offset: PBA_BASE,
      count: wordsFor(params.vectors),
      stride: 4,
      group,
      title: "MSI-X pending bits",
      desc: "One bit per vector: a message is held because the entry is masked.",
      compat,
      fields: [{ name: "PENDING", msb: 31, lsb: 0, access: "ro", desc: "Pending per vector." }],
    },
  ];
}
