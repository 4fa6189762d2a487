import type { DeviceParams } from "../../device-params.js";
import { type FieldDef, fieldMaxValue, type RegisterDef, type RegisterGroup } from "../schema.js";
import { counter32, wordsFor } from "./builders.js";

export const INTERRUPT_GROUP: RegisterGroup = {
  name: "interrupts",
  title: "Interrupts: causes, masks, moderation and the queue-to-vector map",
  desc:
    "Every interrupt source maps to one of the MSI-X vectors. Receive and transmit queues " +
    "map through IVAR, other causes (DMA faults) through IVAR_MISC. A vector's cause bit " +
    "in EICR is set when one of its sources has an event; if the vector is enabled in EIMS " +
    "and its moderation interval (EITR) has elapsed since its last message, the device " +
    "sends its MSI-X message on the next core clock edge. Vector v is bit v % 32 of word " +
    "v / 32 of EICR, EICS, EIAC, EIMS, EIMC and EIAM; bits for vectors the device does not " +
    "have read 0 and ignore writes.",
};

/** Units of EITR.INTERVAL, in nanoseconds (the 82599 family's 2.048 us at 10 Gb/s). */
export const EITR_UNIT_NS = 2048;
/** Where EITR.INTERVAL sits (bits 11:3). */
const EITR_INTERVAL_BITS = { msb: 11, lsb: 3 } as const;
/**
 * The longest interval EITR holds, in microseconds: for checks made before any device
 * exists (scenario files); a driver reads the same from the register map.
 */
export const EITR_MAX_INTERVAL_US = (fieldMaxValue(EITR_INTERVAL_BITS) * EITR_UNIT_NS) / 1000;

const vectorBits = (access: FieldDef["access"], desc: string): FieldDef[] => [
  { name: "VECTORS", msb: 31, lsb: 0, access, desc },
];

/** Interrupt cause, mask, moderation and mapping registers. */
export function interruptRegisters(params: DeviceParams): RegisterDef[] {
  // At most 64 vectors: two words per array, so the arrays 8 bytes apart never overlap.
  const words = wordsFor(params.vectors);
  const perWord = (offset: number) => ({ offset, count: words, stride: 4 });
  const compatMask =
    "82599: EICR 0x00800, EICS 0x00808, EIMS 0x00880, EIMC 0x00888, EIAC 0x00810, EIAM 0x00890 " +
    "for vectors 0-15 with the _EX registers for the rest; here one array per register covers every vector.";
  return [
    {
      name: "EICR",
      ...perWord(0x00800),
      group: "interrupts",
      title: "Extended interrupt cause",
      desc: "One bit per vector: 1 when the vector has a pending cause.",
      sideEffects:
        "Hardware sets a bit when a source mapped to the vector has an event. Software " +
        "writes 1 to acknowledge. With the vector's EIAC bit set, the bit clears when the " +
        "message is sent.",
      compat: compatMask,
      fields: vectorBits("w1c", "Pending cause per vector; write 1 to clear."),
    },
    {
      name: "EICS",
      ...perWord(0x00808),
      group: "interrupts",
      title: "Extended interrupt cause set",
      desc: "Writing 1 sets the vector's EICR bit, as if a source had an event (software-raised interrupt).",
      sideEffects: "A write sets EICR bits and may send messages; reads return 0.",
      compat: compatMask,
      fields: vectorBits("wo", "Write 1 to raise the vector's cause."),
    },
    {
      name: "EIAC",
      ...perWord(0x00810),
      group: "interrupts",
      title: "Extended interrupt auto-clear enable",
      desc: "When a vector's bit is 1, its EICR bit clears as its message is sent, so the ISR need not acknowledge it.",
      compat: compatMask,
      fields: vectorBits("rw", "Auto-clear per vector."),
    },
    {
      name: "EIMS",
      ...perWord(0x00880),
      group: "interrupts",
      title: "Extended interrupt mask set (and read)",
      desc: "Reads the enable mask; writing 1 enables the vector (0 leaves it alone).",
      sideEffects:
        "Enabling a vector with a pending cause sends its message once moderation allows.",
      compat: compatMask,
      fields: vectorBits("w1s", "Enabled vectors; write 1 to enable."),
    },
    {
      name: "EIMC",
      ...perWord(0x00888),
      group: "interrupts",
      title: "Extended interrupt mask clear",
      desc: "Writing 1 disables the vector (clears its EIMS bit); reads return 0.",
      compat: compatMask,
      fields: vectorBits("wo", "Write 1 to disable."),
    },
    {
      name: "EIAM",
      ...perWord(0x00890),
      group: "interrupts",
      title: "Extended interrupt auto-mask enable",
      desc:
        "When a vector's bit is 1, its EIMS bit clears as its message is sent: the vector " +
        "stays quiet until software enables it again (the ISR/DPC pattern).",
      compat: compatMask,
      fields: vectorBits("rw", "Auto-mask per vector."),
    },
    {
      name: "IVAR",
      offset: 0x00900,
      count: params.queues,
      stride: 4,
      group: "interrupts",
      title: "Queue interrupt allocation",
      desc: "Maps receive and transmit queue n to vectors. Software may change it at any time; events after the write use the new vector.",
      compat:
        "82599: IVAR(n >> 1) holds two queues' entries (8 bits each, valid bit 7); here one register per queue, same entry layout.",
      fields: [
        {
          name: "TX_VALID",
          msb: 15,
          lsb: 15,
          access: "rw",
          desc: "1 when TX_VECTOR is in use; 0: the queue's transmit events raise no interrupt.",
        },
        {
          name: "TX_VECTOR",
          msb: 13,
          lsb: 8,
          access: "rw",
          desc: "Vector for transmit completions.",
        },
        {
          name: "RX_VALID",
          msb: 7,
          lsb: 7,
          access: "rw",
          desc: "1 when RX_VECTOR is in use; 0: the queue's receive events raise no interrupt.",
        },
        { name: "RX_VECTOR", msb: 5, lsb: 0, access: "rw", desc: "Vector for received frames." },
      ],
    },
    {
      name: "IVAR_MISC",
      offset: 0x00b00,
      group: "interrupts",
      title: "Other-cause interrupt allocation",
      desc: "Maps the other causes (OCR) to a vector.",
      compat: "82599: IVAR_MISC (0x00A00), entry for 'other causes' in bits 15:8.",
      fields: [
        { name: "VALID", msb: 7, lsb: 7, access: "rw", desc: "1 when VECTOR is in use." },
        { name: "VECTOR", msb: 5, lsb: 0, access: "rw", desc: "Vector for other causes." },
      ],
    },
    {
      name: "OCR",
      offset: 0x00b04,
      group: "interrupts",
      title: "Other interrupt causes",
      desc: "Causes that are not a queue's: faults. Each raises the IVAR_MISC vector.",
      compat:
        "82599: these live in EICR bits 16-31 (e.g. PCI exception); here in their own register.",
      fields: [
        {
          name: "TX_DESC_ERROR",
          msb: 2,
          lsb: 2,
          access: "w1c",
          desc: "A transmit descriptor was refused (see TXDERR); write 1 to clear.",
        },
        {
          name: "TX_DMA_FAULT",
          msb: 1,
          lsb: 1,
          access: "w1c",
          desc: "A transmit DMA touched unmapped memory; write 1 to clear.",
        },
        {
          name: "RX_DMA_FAULT",
          msb: 0,
          lsb: 0,
          access: "w1c",
          desc: "A receive DMA touched unmapped memory; write 1 to clear.",
        },
      ],
    },
    {
      name: "FADDRL",
      offset: 0x00b08,
      group: "interrupts",
      title: "Fault address (low)",
      desc: "Low 32 bits of the host address of the last DMA fault.",
      compat: "nicsim's own.",
      fields: [{ name: "ADDR", msb: 31, lsb: 0, access: "ro", desc: "Address bits 31:0." }],
    },
    {
      name: "FADDRH",
      offset: 0x00b0c,
      group: "interrupts",
      title: "Fault address (high)",
      desc: "High 32 bits of the host address of the last DMA fault.",
      compat: "nicsim's own.",
      fields: [{ name: "ADDR", msb: 31, lsb: 0, access: "ro", desc: "Address bits 63:32." }],
    },
    {
      name: "FQUEUE",
      offset: 0x00b10,
      group: "interrupts",
      title: "Fault queue",
      desc: "Which queue the last DMA fault stopped.",
      compat: "nicsim's own.",
      fields: [
        {
          name: "TX",
          msb: 16,
          lsb: 16,
          access: "ro",
          desc: "1: a transmit queue; 0: a receive queue.",
        },
        { name: "QUEUE", msb: 15, lsb: 0, access: "ro", desc: "The queue number." },
      ],
    },
    {
      name: "EITR",
      offset: 0x00c00,
      count: params.vectors,
      stride: 4,
      group: "interrupts",
      title: "Interrupt throttle (moderation)",
      desc:
        `The minimum interval between two messages of vector n, in units of ${EITR_UNIT_NS / 1000} us ` +
        "(0 = no moderation). After a message the vector is throttled for the interval; a " +
        "cause arriving meanwhile is held and its message sent when the interval ends. A " +
        "cause arriving after the interval has ended is sent at once.",
      sideEffects:
        "A write with CNT_WDIS = 0 also ends the running interval (the 82599's counter " +
        "reset): if the vector's EICR bit is set and it is enabled in EIMS, its message is " +
        "sent on the next core clock edge, even if an earlier message already reported that " +
        "cause (acknowledge it, or use EIAC, to avoid that). With CNT_WDIS = 1 the running interval continues " +
        "and the new value applies from the next message, so a rate change causes no extra interrupt.",
      compat:
        "82599: EITR (0x00820 for vectors 0-23, 0x12300 for the rest), INTERVAL in bits 11:3 and CNT_WDIS bit 31 as there; the counter fields are not modelled.",
      fields: [
        {
          name: "CNT_WDIS",
          msb: 31,
          lsb: 31,
          access: "wo",
          desc: "Write 1 with a new interval to keep the running interval.",
        },
        {
          name: "INTERVAL",
          ...EITR_INTERVAL_BITS,
          access: "rw",
          desc: `Minimum interval in ${EITR_UNIT_NS / 1000} us units.`,
        },
      ],
    },
    counter32(
      "VICNT",
      { offset: 0x00d00, count: params.vectors, stride: 4 },
      {
        group: "interrupts",
        title: "Messages sent per vector",
        desc: "Counts the MSI-X messages vector n has sent.",
        compat: "nicsim's own.",
      },
    ),
  ];
}
