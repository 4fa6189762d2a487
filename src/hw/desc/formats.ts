import type { DescriptorFormat } from "./schema.js";

/** Receive descriptor as software posts it. */
export const RX_READ: DescriptorFormat = {
  name: "RX_READ",
  title: "Receive descriptor, read format",
  desc:
    "What software writes before advancing RDT: where the device may put a frame. Software " +
    "must leave dword 2 zero, so that DD reads 0 until the device writes the descriptor back.",
  writer: "software",
  compat: "As the 82599's advanced receive descriptor, read format (header split not modelled).",
  fields: [
    { name: "BUFFER_ADDR_LO", dword: 0, msb: 31, lsb: 0, desc: "Buffer address bits 31:0." },
    { name: "BUFFER_ADDR_HI", dword: 1, msb: 31, lsb: 0, desc: "Buffer address bits 63:32." },
    {
      name: "ZERO",
      dword: 2,
      msb: 31,
      lsb: 0,
      desc: "Must be 0 (DD's position in the write-back).",
    },
  ],
};

/** Receive descriptor as the device writes it back. */
export const RX_WRITEBACK: DescriptorFormat = {
  name: "RX_WRITEBACK",
  title: "Receive descriptor, write-back format",
  desc:
    "What the device writes over a used descriptor. A frame longer than one buffer uses " +
    "several descriptors; only the last has EOP, and its status and error bits describe " +
    "the whole frame. PKT_LEN is the bytes in this descriptor's buffer.",
  writer: "device",
  compat:
    "Laid out as the 82599's advanced receive write-back (status in dword 2, length and VLAN in dword 3).",
  fields: [
    {
      name: "FILTER",
      dword: 0,
      msb: 23,
      lsb: 16,
      desc: "Index of the receive filter that matched (with FILTER_VALID).",
    },
    {
      name: "FILTER_VALID",
      dword: 0,
      msb: 24,
      lsb: 24,
      desc: "1 when a receive filter steered the frame.",
    },
    { name: "PKT_TYPE", dword: 0, msb: 15, lsb: 4, desc: "Packet type flags (set by the parser)." },
    {
      name: "RSS_TYPE",
      dword: 0,
      msb: 3,
      lsb: 0,
      desc: "Which RSS hash type was computed (0: none).",
    },
    { name: "RSS_HASH", dword: 1, msb: 31, lsb: 0, desc: "The RSS hash value." },
    { name: "ERR_IPE", dword: 2, msb: 31, lsb: 31, desc: "IPv4 header checksum error." },
    { name: "ERR_L4E", dword: 2, msb: 30, lsb: 30, desc: "TCP/UDP checksum error." },
    { name: "STAT_IPCS", dword: 2, msb: 6, lsb: 6, desc: "IPv4 header checksum was checked." },
    { name: "STAT_L4CS", dword: 2, msb: 5, lsb: 5, desc: "TCP/UDP checksum was checked." },
    { name: "STAT_UDPCS", dword: 2, msb: 4, lsb: 4, desc: "The checked L4 checksum was UDP's." },
    {
      name: "STAT_VP",
      dword: 2,
      msb: 3,
      lsb: 3,
      desc: "The frame had an 802.1Q tag (VLAN holds it).",
    },
    {
      name: "STAT_EOP",
      dword: 2,
      msb: 1,
      lsb: 1,
      desc: "End of packet: the frame's last descriptor.",
    },
    {
      name: "STAT_DD",
      dword: 2,
      msb: 0,
      lsb: 0,
      desc: "Descriptor done: written back by the device.",
    },
    { name: "VLAN", dword: 3, msb: 31, lsb: 16, desc: "The 802.1Q tag control information." },
    {
      name: "PKT_LEN",
      dword: 3,
      msb: 15,
      lsb: 0,
      desc: "Bytes written to this descriptor's buffer.",
    },
  ],
};

/** TX_DATA.DTYP for a data descriptor. */
export const DTYP_DATA = 3;
/** TX_DATA.DTYP for a context descriptor. */
export const DTYP_CONTEXT = 2;

/** Transmit data descriptor. */
export const TX_DATA: DescriptorFormat = {
  name: "TX_DATA",
  title: "Transmit data descriptor",
  desc:
    "One buffer of a frame to send. A frame is the buffers from one descriptor up to the " +
    "one with EOP. With RS set, the device writes DD back when it has read the buffers.",
  writer: "software",
  compat:
    "As the 82599's advanced transmit data descriptor (DTYP 3, DEXT 1); the fields shown are the ones modelled.",
  fields: [
    { name: "BUFFER_ADDR_LO", dword: 0, msb: 31, lsb: 0, desc: "Buffer address bits 31:0." },
    { name: "BUFFER_ADDR_HI", dword: 1, msb: 31, lsb: 0, desc: "Buffer address bits 63:32." },
    { name: "CMD_TSE", dword: 2, msb: 31, lsb: 31, desc: "TCP segmentation (LSO) for this frame." },
    {
      name: "CMD_DEXT",
      dword: 2,
      msb: 29,
      lsb: 29,
      desc: "Extended (advanced) descriptor: must be 1.",
    },
    { name: "CMD_RS", dword: 2, msb: 27, lsb: 27, desc: "Report status: write DD back when done." },
    {
      name: "CMD_IFCS",
      dword: 2,
      msb: 25,
      lsb: 25,
      desc: "Insert FCS (the model always appends one on the wire).",
    },
    {
      name: "CMD_EOP",
      dword: 2,
      msb: 24,
      lsb: 24,
      desc: "End of packet: the frame's last buffer.",
    },
    {
      name: "DTYP",
      dword: 2,
      msb: 23,
      lsb: 20,
      desc: "Descriptor type: 3 data, 2 context.",
      enum: [
        { value: DTYP_DATA, name: "DATA", desc: "Data descriptor (this format)." },
        {
          value: DTYP_CONTEXT,
          name: "CONTEXT",
          desc: "Context descriptor: offload context for the frame that follows; no data.",
        },
      ],
    },
    { name: "DTALEN", dword: 2, msb: 15, lsb: 0, desc: "Bytes in this buffer (1 or more)." },
    { name: "PAYLEN", dword: 3, msb: 31, lsb: 14, desc: "Total payload bytes (used with TSE)." },
    {
      name: "POPTS_TXSM",
      dword: 3,
      msb: 9,
      lsb: 9,
      desc:
        "Insert the TCP/UDP checksum (first descriptor of a frame). The device computes " +
        "the whole checksum, pseudo header included, whatever the field held.",
    },
    {
      name: "POPTS_IXSM",
      dword: 3,
      msb: 8,
      lsb: 8,
      desc: "Insert the IPv4 header checksum (first descriptor).",
    },
    {
      name: "IDX",
      dword: 3,
      msb: 6,
      lsb: 4,
      desc: "Which context (0 or 1) of the queue the offloads use.",
    },
    {
      name: "STA_ERR",
      dword: 3,
      msb: 3,
      lsb: 3,
      desc:
        "Written back with DD (nicsim's own): the frame was refused (a bad descriptor, or " +
        "an LSO request the engine rejects) and nothing was sent.",
    },
    {
      name: "STA_DD",
      dword: 3,
      msb: 0,
      lsb: 0,
      desc: "Descriptor done (written back when RS was set).",
    },
  ],
};

/** Transmit context descriptor: the offload context frames that follow use. */
export const TX_CONTEXT: DescriptorFormat = {
  name: "TX_CONTEXT",
  title: "Transmit context descriptor",
  desc:
    "Carries the header lengths and segment size the checksum and LSO engines need. It " +
    "sends nothing: the device stores it in context slot IDX of the queue, and later data " +
    "descriptors name that slot. It may sit only before a frame's first data descriptor.",
  writer: "software",
  compat:
    "As the 82599's advanced transmit context descriptor (DTYP 2, DEXT 1); IPsec fields are not modelled.",
  fields: [
    {
      name: "VLAN",
      dword: 0,
      msb: 31,
      lsb: 16,
      desc: "VLAN tag to insert (not modelled; stored).",
    },
    {
      name: "MACLEN",
      dword: 0,
      msb: 15,
      lsb: 9,
      desc: "MAC header bytes (14, or 18 with a VLAN tag).",
    },
    {
      name: "IPLEN",
      dword: 0,
      msb: 8,
      lsb: 0,
      desc: "IP header bytes, IPv4 options or IPv6 extension headers included.",
    },
    { name: "DEXT", dword: 2, msb: 29, lsb: 29, desc: "Extended descriptor: must be 1." },
    { name: "DTYP", dword: 2, msb: 23, lsb: 20, desc: "Descriptor type: 2." },
    { name: "TUCMD_L4T", dword: 2, msb: 12, lsb: 11, desc: "L4 type: 0 UDP, 1 TCP." },
    { name: "TUCMD_IPV4", dword: 2, msb: 10, lsb: 10, desc: "1: IPv4; 0: IPv6." },
    {
      name: "MSS",
      dword: 3,
      msb: 31,
      lsb: 16,
      desc: "Maximum segment size: TCP payload bytes per segment (LSO).",
    },
    { name: "L4LEN", dword: 3, msb: 15, lsb: 8, desc: "TCP header bytes, options included (LSO)." },
    {
      name: "IDX",
      dword: 3,
      msb: 6,
      lsb: 4,
      desc: "Context slot (0 or 1) to store this context in.",
    },
  ],
};

/** Every descriptor format, in the order the reference lists them. */
export const DESCRIPTOR_FORMATS: readonly DescriptorFormat[] = [
  RX_READ,
  RX_WRITEBACK,
  TX_DATA,
  TX_CONTEXT,
];
