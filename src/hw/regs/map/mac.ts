import type { RegisterDef, RegisterGroup } from "../schema.js";
import { counter32, counter64 } from "./builders.js";

export const MAC_GROUP: RegisterGroup = {
  name: "mac",
  title: "MAC, wire and device-wide statistics",
  desc:
    "The frame size limit, and the device-wide counters for frames received and sent, and " +
    "for every reason a received frame can be dropped. Every frame that arrives from the " +
    "wire is, at any moment, in the packet buffer, being written to a ring, in a ring " +
    "(counted in GPRC and its queue's QPRC), or counted in exactly one of CRCERRS, RUC, " +
    "ROC, MPC, QPRDC and RXDMADC.",
};

const STATS_BASE = 0x04000;

/** MAC control and device-wide statistics. */
export function macRegisters(): RegisterDef[] {
  const group = "mac";
  const at = (offset: number) => ({ offset: STATS_BASE + offset });
  return [
    counter32("CRCERRS", at(0x00), {
      group,
      title: "CRC errors",
      desc: "Frames dropped because their FCS was bad.",
      compat: "82599: CRCERRS (0x04000).",
    }),
    counter32("RUC", at(0x04), {
      group,
      title: "Receive undersize",
      desc: "Frames dropped because they were shorter than 64 bytes with FCS (runts).",
      compat: "82599: RUC (0x040A4).",
    }),
    counter32("ROC", at(0x08), {
      group,
      title: "Receive oversize",
      desc: "Frames dropped because they were longer than MAXFRS.MFS with FCS.",
      compat: "82599: ROC (0x040AC).",
    }),
    counter32("MPC", at(0x0c), {
      group,
      title: "Missed frames",
      desc: "Frames dropped because the receive packet buffer had no room for them.",
      compat: "82599: MPC(0) (0x03FA0), per packet buffer.",
    }),
    counter32("GPRC", at(0x10), {
      group,
      title: "Good frames received",
      desc: "Frames written to a receive ring.",
      compat: "82599: GPRC (0x04074); here counted when the frame reaches host memory.",
    }),
    counter32("GPTC", at(0x14), {
      group,
      title: "Good frames sent",
      desc: "Frames handed to the wire.",
      compat: "82599: GPTC (0x04080).",
    }),
    ...counter64("GORC", at(0x18), {
      group,
      title: "Good bytes received",
      desc: "Bytes (without FCS) of frames counted in GPRC.",
      compat: "82599: GORCL/GORCH (0x04088).",
    }),
    ...counter64("GOTC", at(0x20), {
      group,
      title: "Good bytes sent",
      desc: "Bytes (without FCS) of frames counted in GPTC.",
      compat: "82599: GOTCL/GOTCH (0x04090).",
    }),
    counter32("RXDMADC", at(0x28), {
      group,
      title: "Frames dropped by receive DMA faults",
      desc: "Frames dropped because writing them to host memory faulted (the queue stops).",
      compat: "nicsim's own.",
    }),
    counter32("DMAFC", at(0x2c), {
      group,
      title: "DMA faults",
      desc: "DMA transfers that touched unmapped host memory, in either direction.",
      compat: "nicsim's own.",
    }),
    counter32("TXDERR", at(0x30), {
      group,
      title: "Transmit descriptors refused",
      desc: "Transmit frames refused for a bad descriptor (length 0, frame over 16 KiB, no end of packet within the ring).",
      compat: "nicsim's own.",
    }),
    counter32("LSOERR", at(0x34), {
      group,
      title: "LSO requests refused",
      desc:
        "Transmit frames with TSE whose segmentation request was refused (MSS 0 or too " +
        "large, headers not matching the frame or the context, payload over 256 KiB). " +
        "Their descriptors complete with STA_ERR; nothing is sent. Also counted in TXDERR.",
      compat: "nicsim's own.",
    }),
    {
      name: "MAXFRS",
      offset: 0x04268,
      group,
      title: "Maximum frame size",
      desc: "The largest frame accepted from the wire, FCS included.",
      compat: "82599: MAXFRS (0x04268), MFS in bits 31:16 as there.",
      fields: [
        {
          name: "MFS",
          msb: 31,
          lsb: 16,
          access: "rw",
          reset: 1518,
          desc: "Maximum frame size in bytes, with FCS (64 to 16128).",
        },
      ],
    },
  ];
}
