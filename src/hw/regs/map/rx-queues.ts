import type { DeviceParams } from "../../device-params.js";
import type { RegisterDef, RegisterGroup } from "../schema.js";
import { counter32, counter64 } from "./builders.js";
import { ringAddressRegisters } from "./ring-registers.js";

export const RX_QUEUE_GROUP: RegisterGroup = {
  name: "rx-queues",
  title: "Receive queues",
  desc:
    "Per receive queue n, a block of 0x40 bytes at 0x01000 + n*0x40: the descriptor ring " +
    "(base, length, head, tail), the buffer size, the enable bit and thresholds, and the " +
    "queue's statistics. The device owns the descriptors from RDH up to (not including) " +
    "RDT; the ring is empty when they are equal, and software keeps one slot unused so " +
    "that a full ring differs from an empty one.",
};

const RX_BASE = 0x01000;
const QUEUE_STRIDE = 0x40;

/** Receive queue registers. */
export function rxQueueRegisters(params: DeviceParams): RegisterDef[] {
  const at = (offset: number) => ({
    offset: RX_BASE + offset,
    count: params.queues,
    stride: QUEUE_STRIDE,
  });
  const compat82599 = (name: string, offset: number) =>
    `82599: ${name} at 0x${(0x01000 + offset).toString(16).padStart(5, "0")} + n*0x40 for queues 0-63 (0x0D000 block for 64-127); here one block for all.`;
  const group = "rx-queues";
  return [
    ...ringAddressRegisters({ prefix: "RD", direction: "Receive", group, at, compat: compat82599 }),
    {
      name: "RDH",
      ...at(0x10),
      group,
      title: "Receive descriptor head",
      desc:
        "The next descriptor the device will complete. Every descriptor before it (up to " +
        "RDT as it was) has been written back with DD set. Hardware advances it.",
      sideEffects:
        "Software may write it only while the queue is disabled (to set the starting " +
        "point, normally 0); a write while enabled is ignored and recorded in ACCERR.RO_WRITE.",
      compat: compat82599("RDH", 0x10),
      fields: [{ name: "HEAD", msb: 15, lsb: 0, access: "rw", desc: "Head index." }],
    },
    {
      name: "SRRCTL",
      ...at(0x14),
      group,
      title: "Receive buffer size and drop control",
      desc: "The size of each receive buffer, and what happens when a frame finds no descriptor.",
      compat: compat82599("SRRCTL", 0x14),
      fields: [
        {
          name: "DROP_EN",
          msb: 28,
          lsb: 28,
          access: "rw",
          desc:
            "1: a frame for this queue that reaches the head of the packet buffer when no " +
            "descriptor is ready is dropped and counted in QPRDC. 0: it waits there, and " +
            "frames for every queue wait behind it until the packet buffer overflows (MPC).",
        },
        {
          name: "BSIZEPACKET",
          msb: 4,
          lsb: 0,
          access: "rw",
          reset: 2,
          desc: "Receive buffer size in 1 KiB units (1-16; 0 is taken as 1). Longer frames use several descriptors.",
        },
      ],
    },
    {
      name: "RDT",
      ...at(0x18),
      group,
      title: "Receive descriptor tail",
      desc: "One past the last descriptor software has made available. Software advances it.",
      sideEffects:
        "A write lets the device fetch the new descriptors and may release frames waiting in the packet buffer.",
      compat: compat82599("RDT", 0x18),
      fields: [{ name: "TAIL", msb: 15, lsb: 0, access: "rw", desc: "Tail index." }],
    },
    {
      name: "RXDCTL",
      ...at(0x28),
      group,
      title: "Receive descriptor control",
      desc: "Queue enable and the descriptor prefetch and write-back thresholds.",
      sideEffects:
        "Setting ENABLE starts the queue from RDH. Clearing it asks the queue to stop: " +
        "ENABLE keeps reading 1 until the frame in progress is finished, then reads 0; " +
        "frames for a disabled queue are dropped (QPRDC). A DMA fault stops the queue and " +
        "sets FAULT; clearing ENABLE clears FAULT.",
      compat: `${compat82599("RXDCTL", 0x28)} ENABLE is bit 25 as there; FAULT is nicsim's own.`,
      fields: [
        { name: "FAULT", msb: 27, lsb: 27, access: "ro", desc: "1: stopped by a DMA fault." },
        {
          name: "ENABLE",
          msb: 25,
          lsb: 25,
          access: "rw",
          desc: "Queue enable (reads the actual state).",
        },
        {
          name: "WTHRESH",
          msb: 22,
          lsb: 16,
          access: "rw",
          desc:
            "Write-back threshold: completed descriptors are written back once this many " +
            "have accumulated (0 or 1: each at once); the rest are written back when the " +
            "queue's vector sends its message.",
        },
        {
          name: "HTHRESH",
          msb: 14,
          lsb: 8,
          access: "rw",
          desc: "Host threshold (stored; the model fetches whenever it may).",
        },
        {
          name: "PTHRESH",
          msb: 6,
          lsb: 0,
          access: "rw",
          desc: "Prefetch threshold: fetch more descriptors when fewer than this are cached (0: 8).",
        },
      ],
    },
    counter32("QRNBC", at(0x2c), {
      group,
      title: "Receive no-descriptor events",
      desc:
        "Counts frames for the queue that reached the head of the packet buffer and found no " +
        "descriptor ready. An event count, not a drop count: with DROP_EN = 0 the frame waits.",
      compat: "82599: RNBC counts these per packet buffer; here per queue.",
    }),
    counter32("QPRC", at(0x30), {
      group,
      title: "Queue frames received",
      desc: "Frames written to the queue's ring.",
      compat: "82599: QPRC (0x01030 + n*0x40) for 16 mapped queue statistics; here one per queue.",
    }),
    counter32("QPRDC", at(0x34), {
      group,
      title: "Queue frames dropped",
      desc: "Frames for the queue dropped because no descriptor was ready (DROP_EN = 1) or the queue was disabled.",
      compat: "82599: QPRDC (0x01430 + n*0x40).",
    }),
    ...counter64("QBRC", at(0x38), {
      group,
      title: "Queue bytes received",
      desc: "Bytes of frames written to the queue's ring (without FCS).",
      compat: "82599: QBRC_L/QBRC_H (0x01034 + n*0x40).",
    }),
  ];
}
