import type { DeviceParams } from "../../device-params.js";
import type { RegisterDef, RegisterGroup } from "../schema.js";
import { counter32 } from "./builders.js";

export const FILTER_GROUP: RegisterGroup = {
  name: "filters",
  title: "VMQ receive filters and receive checksum control",
  desc:
    "Receive filters steer frames to queues by destination MAC address and, optionally, " +
    "VLAN: filter n matches a unicast frame whose destination is RAL/RAH(n) (with AV set) " +
    "and, with VMQF(n).VLAN_MATCH, whose VLAN ID is VMQF(n).VLAN_ID. The lowest-numbered " +
    "matching filter wins; its queue receives the frame and its index goes into the " +
    "descriptor. Frames no filter claims, and every broadcast and multicast frame, go to " +
    "the default path: RSS when MRQC enables it, else VMQCTL.DEFAULT_QUEUE. Broadcast and " +
    "multicast are not replicated to filtered queues: as with Hyper-V's VMQ, the virtual " +
    "switch takes them from the default queue and floods them in software.",
};

const FILTER_BASE = 0x0a200;
const FILTER_STRIDE = 16;

/** Receive filters, the default queue and receive checksum control. */
export function filterRegisters(params: DeviceParams): RegisterDef[] {
  const group = "filters";
  const at = (offset: number) => ({
    offset: FILTER_BASE + offset,
    count: params.queues,
    stride: FILTER_STRIDE,
  });
  return [
    {
      name: "RAL",
      ...at(0x0),
      group,
      title: "Receive address low (filter n)",
      desc: "Destination MAC bytes 0-3 of filter n: byte 0 (the first on the wire) in bits 7:0.",
      compat: "82599: RAL (0x0A200 + 8n), the same byte order; here filters are 16 bytes apart.",
      fields: [{ name: "ADDR", msb: 31, lsb: 0, access: "rw", desc: "MAC bytes 0-3." }],
    },
    {
      name: "RAH",
      ...at(0x4),
      group,
      title: "Receive address high (filter n)",
      desc: "Destination MAC bytes 4-5 of filter n and its enable.",
      compat:
        "82599: RAH (0x0A204 + 8n); AV is bit 31 there too. Pool selection (MPSAR) is replaced by VMQF.QUEUE.",
      fields: [
        {
          name: "AV",
          msb: 31,
          lsb: 31,
          access: "rw",
          desc: "Address valid: the filter is in use.",
        },
        {
          name: "ADDR",
          msb: 15,
          lsb: 0,
          access: "rw",
          desc: "MAC bytes 4-5 (byte 4 in bits 7:0).",
        },
      ],
    },
    {
      name: "VMQF",
      ...at(0x8),
      group,
      title: "Filter queue and VLAN (filter n)",
      desc: "Where filter n's frames go, and the VLAN it also requires.",
      compat: "nicsim's own, in place of the 82599's pool tables (MPSAR, VLVF).",
      fields: [
        {
          name: "VLAN_MATCH",
          msb: 28,
          lsb: 28,
          access: "rw",
          desc: "1: the frame must carry VLAN_ID (untagged frames do not match).",
        },
        { name: "VLAN_ID", msb: 27, lsb: 16, access: "rw", desc: "VLAN ID (1-4094) to match." },
        { name: "QUEUE", msb: 6, lsb: 0, access: "rw", desc: "Receive queue for matching frames." },
      ],
    },
    {
      name: "VMQCTL",
      offset: 0x051b0,
      group,
      title: "VMQ control",
      desc: "Turns receive filtering on and names the default queue.",
      compat:
        "82599: PFVTCTL (0x051B0) with VT_Ena and DEF_PL (default pool); here a default queue.",
      fields: [
        {
          name: "DEFAULT_QUEUE",
          msb: 13,
          lsb: 7,
          access: "rw",
          desc: "Queue for frames no filter claims when RSS is off.",
        },
        { name: "VMQ_EN", msb: 0, lsb: 0, access: "rw", desc: "1: receive filters are applied." },
      ],
    },
    {
      name: "RXCSUM",
      offset: 0x05000,
      group,
      title: "Receive checksum control",
      desc:
        "Enables checksum validation of received frames. Results go into the descriptor " +
        "(IPCS/L4CS/UDPCS checked, IPE/L4E errors); frames with bad checksums are still " +
        "delivered, and counted in IPCSERR or L4CSERR. Fragments and frames the parser " +
        "cannot follow are not L4-checked; a UDP/IPv4 checksum of 0 means none was sent.",
      compat: "8254x/82599 family: RXCSUM (0x05000); IPOFLD and TUOFLD as on the 8254x.",
      fields: [
        {
          name: "TUOFLD",
          msb: 9,
          lsb: 9,
          access: "rw",
          reset: 1,
          desc: "Validate TCP/UDP checksums.",
        },
        {
          name: "IPOFLD",
          msb: 8,
          lsb: 8,
          access: "rw",
          reset: 1,
          desc: "Validate IPv4 header checksums.",
        },
      ],
    },
    counter32(
      "IPCSERR",
      { offset: 0x04040 },
      {
        group,
        title: "IPv4 header checksum errors",
        desc: "Received frames whose IPv4 header checksum was wrong (still delivered, with IPE).",
        compat: "82599: part of XEC (0x04120); here its own counter.",
      },
    ),
    counter32(
      "L4CSERR",
      { offset: 0x04044 },
      {
        group,
        title: "TCP/UDP checksum errors",
        desc: "Received frames whose TCP or UDP checksum was wrong (still delivered, with L4E).",
        compat: "82599: part of XEC (0x04120); here its own counter.",
      },
    ),
    counter32(
      "BPRC",
      { offset: 0x04048 },
      {
        group,
        title: "Broadcast frames received",
        desc: "Broadcast frames accepted into the packet buffer.",
        compat: "82599: BPRC (0x04078).",
      },
    ),
    counter32(
      "MPRC",
      { offset: 0x0404c },
      {
        group,
        title: "Multicast frames received",
        desc: "Multicast frames accepted into the packet buffer.",
        compat: "82599: MPRC (0x0407C).",
      },
    ),
  ];
}
