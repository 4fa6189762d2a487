import type { DeviceParams } from "../../device-params.js";
import type { RegisterDef, RegisterGroup } from "../schema.js";

export const RSS_GROUP: RegisterGroup = {
  name: "rss",
  title: "Receive-side scaling (RSS)",
  desc:
    "RSS spreads the frames no receive filter claims over several queues: the device " +
    "computes the Toeplitz hash of the frame's addresses (and ports, per the enabled hash " +
    "types) with the secret key in RSSRK, and the low 7 bits of the hash index the " +
    "128-entry redirection table RETA, whose entry names the queue. The hash and its " +
    "type go into the receive descriptor. Frames a VMQ filter steers are not spread: the " +
    "model has no per-queue RSS (VMMQ) yet.",
};

/** Entries of the redirection table, 4 per register. */
export const RETA_ENTRIES = 128;
/** Bytes of the RSS secret key, 4 per register. */
export const RSS_KEY_BYTES = 40;

/** What the three IPv6 "EX" enables do in the model. */
const EX_NOTE =
  "Stored, not modelled: the model always skips IPv6 extension headers, so such frames " +
  "hash under IPV6, TCP_IPV6 and UDP_IPV6 (setting only this bit hashes nothing).";

/** The hash-type enable fields of MRQC, as the 82599 places them. */
export const MRQC_HASH_FIELDS = [
  { name: "UDP_IPV6_EX", bit: 24, desc: EX_NOTE },
  { name: "UDP_IPV6", bit: 23, desc: "Hash UDP over IPv6 (4-tuple)." },
  { name: "UDP_IPV4", bit: 22, desc: "Hash UDP over IPv4 (4-tuple)." },
  { name: "TCP_IPV6", bit: 21, desc: "Hash TCP over IPv6 (4-tuple)." },
  { name: "IPV6", bit: 20, desc: "Hash IPv6 addresses." },
  { name: "IPV6_EX", bit: 19, desc: EX_NOTE },
  { name: "TCP_IPV6_EX", bit: 18, desc: EX_NOTE },
  { name: "IPV4", bit: 17, desc: "Hash IPv4 addresses." },
  { name: "TCP_IPV4", bit: 16, desc: "Hash TCP over IPv4 (4-tuple)." },
] as const;

/** RSS registers. */
export function rssRegisters(_params: DeviceParams): RegisterDef[] {
  const group = "rss";
  return [
    {
      name: "MRQC",
      offset: 0x05818,
      group,
      title: "Multiple receive queues command",
      desc:
        "Enables RSS and chooses the hash types. Which input is hashed follows the published " +
        "RSS rules: with an L4 type enabled and the L4 header present, the 4-tuple (source " +
        "address, destination address, source port, destination port); otherwise, with the " +
        "L3 type enabled, the address pair; IP fragments (the first one included) hash the " +
        "address pair; a frame with no enabled type is not hashed (RSS type 0) and goes to " +
        "the queue of RETA entry 0.",
      compat:
        "82599: MRQC (0x05818); MRQE values other than 0 and 1 (DCB, VMDq modes) are not modelled.",
      fields: [
        ...MRQC_HASH_FIELDS.map((f) => ({
          name: f.name,
          msb: f.bit,
          lsb: f.bit,
          access: "rw" as const,
          desc: f.desc,
        })),
        {
          name: "MRQE",
          msb: 3,
          lsb: 0,
          access: "rw",
          desc: "Multiple receive queues enable.",
          enum: [
            {
              value: 0,
              name: "NONE",
              desc: "No RSS: unclaimed frames go to the default queue (VMQCTL).",
            },
            { value: 1, name: "RSS", desc: "RSS spreads unclaimed frames through RETA." },
          ],
        },
      ],
    },
    {
      name: "RSSRK",
      offset: 0x05c80,
      count: RSS_KEY_BYTES / 4,
      stride: 4,
      group,
      title: "RSS secret key",
      desc:
        "The 40-byte Toeplitz key, byte 4n in bits 7:0 of RSSRK(n) through byte 4n+3 in bits " +
        "31:24. Forty bytes cover the longest input (IPv6 with ports, 36 bytes, needs 40); " +
        "the model takes no longer keys.",
      compat: "82599: RSSRK (0x05C80), the same layout.",
      fields: [{ name: "KEY", msb: 31, lsb: 0, access: "rw", desc: "Four key bytes." }],
    },
    {
      name: "RETA",
      offset: 0x05c00,
      count: RETA_ENTRIES / 4,
      stride: 4,
      group,
      title: "RSS redirection table",
      desc:
        "128 entries, four per register: entry 4n in bits 7:0 of RETA(n) through 4n+3 in bits " +
        "31:24. Each names a receive queue; the low 7 bits of the hash choose the entry. An " +
        "entry naming a queue the device lacks sends the frame to queue 0.",
      compat:
        "82599: RETA (0x05C00); there each entry holds a 4-bit queue index, here 7 bits (any of 128 queues).",
      fields: [
        { name: "ENTRY3", msb: 30, lsb: 24, access: "rw", desc: "Queue for entry 4n+3." },
        { name: "ENTRY2", msb: 22, lsb: 16, access: "rw", desc: "Queue for entry 4n+2." },
        { name: "ENTRY1", msb: 14, lsb: 8, access: "rw", desc: "Queue for entry 4n+1." },
        { name: "ENTRY0", msb: 6, lsb: 0, access: "rw", desc: "Queue for entry 4n." },
      ],
    },
  ];
}
