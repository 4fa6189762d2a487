import type { DeviceParams } from "../../device-params.js";
import type { RegisterDef, RegisterGroup } from "../schema.js";
import { counter32, counter64 } from "./builders.js";
import { ringAddressRegisters } from "./ring-registers.js";

export const TX_QUEUE_GROUP: RegisterGroup = {
  name: "tx-queues",
  title: "Transmit queues",
  desc:
    "Per transmit queue n, a block of 0x40 bytes at 0x06000 + n*0x40: the descriptor ring, " +
    "the enable bit and thresholds, and the queue's statistics. The device owns the " +
    "descriptors from TDH up to (not including) TDT.",
};

const TX_BASE = 0x06000;
const QUEUE_STRIDE = 0x40;

/** Transmit queue registers. */
export function txQueueRegisters(params: DeviceParams): RegisterDef[] {
  const at = (offset: number) => ({
    offset: TX_BASE + offset,
    count: params.queues,
    stride: QUEUE_STRIDE,
  });
  const compat82599 = (name: string, offset: number) =>
    `82599: ${name} at 0x${(TX_BASE + offset).toString(16).padStart(5, "0")} + n*0x40, as here.`;
  const group = "tx-queues";
  return [
    ...ringAddressRegisters({
      prefix: "TD",
      direction: "Transmit",
      group,
      at,
      compat: compat82599,
    }),
    {
      name: "TDH",
      ...at(0x10),
      group,
      title: "Transmit descriptor head",
      desc: "The next descriptor the device will process; every one before it is done. Hardware advances it.",
      sideEffects:
        "Software may write it only while the queue is disabled; a write while enabled is ignored and recorded in ACCERR.RO_WRITE.",
      compat: compat82599("TDH", 0x10),
      fields: [{ name: "HEAD", msb: 15, lsb: 0, access: "rw", desc: "Head index." }],
    },
    {
      name: "TDT",
      ...at(0x18),
      group,
      title: "Transmit descriptor tail",
      desc: "One past the last descriptor software has posted.",
      sideEffects: "A write lets the device fetch and send the new descriptors.",
      compat: compat82599("TDT", 0x18),
      fields: [{ name: "TAIL", msb: 15, lsb: 0, access: "rw", desc: "Tail index." }],
    },
    {
      name: "TXDCTL",
      ...at(0x28),
      group,
      title: "Transmit descriptor control",
      desc: "Queue enable and thresholds.",
      sideEffects:
        "Setting ENABLE starts the queue from TDH. Clearing it stops the queue after the " +
        "frame in progress; ENABLE reads 1 until then. A DMA fault stops the queue and sets " +
        "FAULT; clearing ENABLE clears FAULT.",
      compat: `${compat82599("TXDCTL", 0x28)} ENABLE is bit 25 as there; FAULT is nicsim's own.`,
      fields: [
        {
          name: "FAULT",
          msb: 27,
          lsb: 27,
          access: "ro",
          desc: "1: stopped by a DMA fault (a refused frame does not stop the queue: it completes with STA_ERR).",
        },
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
          desc: "Write-back threshold (stored; the model writes back each RS descriptor as it completes).",
        },
        { name: "HTHRESH", msb: 14, lsb: 8, access: "rw", desc: "Host threshold (stored)." },
        { name: "PTHRESH", msb: 6, lsb: 0, access: "rw", desc: "Prefetch threshold (stored)." },
      ],
    },
    counter32("QPTC", at(0x30), {
      group,
      title: "Queue frames sent",
      desc: "Frames from the queue handed to the MAC.",
      compat: "82599: QPTC (0x08680 + n*4) for 16 mapped queue statistics; here one per queue.",
    }),
    ...counter64("QBTC", at(0x38), {
      group,
      title: "Queue bytes sent",
      desc: "Bytes of frames from the queue handed to the MAC (without FCS).",
      compat: "82599: QBTC_L/QBTC_H (0x08700 + n*8).",
    }),
  ];
}
