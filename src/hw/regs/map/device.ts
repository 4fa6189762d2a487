import type { DeviceParams } from "../../device-params.js";
import type { RegisterDef, RegisterGroup } from "../schema.js";

export const DEVICE_GROUP: RegisterGroup = {
  name: "device",
  title: "Device control, status and identification",
  desc:
    "Device-wide control (reset, DMA master disable), status, identification, and the " +
    "record of bad register accesses. A driver's bring-up starts here: check IDENT, set " +
    "CTRL.PCIE_MASTER_DISABLE and wait for STATUS.MASTER_ENABLED to clear, set CTRL.RST and " +
    "wait for it to read 0, then wait for STATUS.INIT_DONE.",
};

/** The link speeds the MAC can run at, as encoded in STATUS.LINK_SPEED. */
export const LINK_SPEED_ENUM = [
  { value: 0, name: "SPEED_1G", desc: "1 Gb/s" },
  { value: 1, name: "SPEED_10G", desc: "10 Gb/s (the default)" },
  { value: 2, name: "SPEED_25G", desc: "25 Gb/s" },
  { value: 3, name: "SPEED_40G", desc: "40 Gb/s" },
  { value: 4, name: "SPEED_100G", desc: "100 Gb/s" },
] as const;

/** 'NICS' in ASCII: lets a driver tell it is talking to this model. */
export const IDENT_MAGIC = 0x4e49_4353;
/** The register-map version DEVVER reports: bump MINOR when registers are added. */
export const MAP_VERSION = { major: 0, minor: 1 } as const;

/** Device-level registers. */
export function deviceRegisters(params: DeviceParams): RegisterDef[] {
  return [
    {
      name: "CTRL",
      offset: 0x0000,
      group: "device",
      title: "Device control",
      desc: "Resets and DMA control for the whole device.",
      sideEffects:
        "Writing 1 to RST starts a device reset: STATUS.INIT_DONE drops at once; after the " +
        "reset time every register returns to its reset value (RST reads 0 from then on) " +
        "and STATUS.INIT_DONE sets. Accesses during the reset behave as usual but their " +
        "effects are wiped when it completes.",
      compat:
        "82599: CTRL (0x00000); RST is bit 26 and PCIE_MASTER_DISABLE bit 2 as there. The " +
        "82599's link reset (LRST) and other bits are not modelled.",
      fields: [
        {
          name: "RST",
          msb: 26,
          lsb: 26,
          access: "sc",
          desc:
            "Device reset. Write 1 to reset every register and engine; reads 1 until the " +
            "reset completes. Writing 0 has no effect.",
        },
        {
          name: "PCIE_MASTER_DISABLE",
          msb: 2,
          lsb: 2,
          access: "rw",
          desc:
            "When 1 the device starts no new DMA; STATUS.MASTER_ENABLED clears once the " +
            "requests in flight complete. Set it before a reset so that no DMA is cut short.",
        },
      ],
    },
    {
      name: "STATUS",
      offset: 0x0008,
      group: "device",
      title: "Device status",
      desc: "Read-only device state.",
      compat:
        "82599: STATUS (0x00008) for LINK_UP (bit 7 there too) and the GIO master enable " +
        "status (bit 19, MASTER_ENABLED); INIT_DONE plays the role of EEC.AUTO_RD; " +
        "the link speed lives in LINKS on the 82599.",
      fields: [
        {
          name: "LINK_SPEED",
          msb: 30,
          lsb: 28,
          access: "ro",
          reset: 1,
          desc: "The speed the link runs at.",
          enum: LINK_SPEED_ENUM,
        },
        {
          name: "MASTER_ENABLED",
          msb: 19,
          lsb: 19,
          access: "ro",
          reset: 1,
          desc:
            "1 while the device may start DMA. Clears once CTRL.PCIE_MASTER_DISABLE is set " +
            "and every DMA request in flight has completed; sets again when it is cleared.",
        },
        {
          name: "INIT_DONE",
          msb: 9,
          lsb: 9,
          access: "ro",
          reset: 1,
          desc: "1 when the device has finished initialising after power-on or reset.",
        },
        { name: "LINK_UP", msb: 7, lsb: 7, access: "ro", reset: 1, desc: "1 when the link is up." },
      ],
    },
    {
      name: "IDENT",
      offset: 0x0010,
      group: "device",
      title: "Device identification",
      desc: `Always reads 0x${IDENT_MAGIC.toString(16).toUpperCase()} ('NICS'): a driver's first read, to check it found the device.`,
      compat: "nicsim's own; the 82599 is identified through PCI configuration space.",
      fields: [
        {
          name: "MAGIC",
          msb: 31,
          lsb: 0,
          access: "ro",
          reset: IDENT_MAGIC,
          desc: "The signature 'NICS' in ASCII.",
        },
      ],
    },
    {
      name: "DEVVER",
      offset: 0x0014,
      group: "device",
      title: "Register map version",
      desc: "The version of this register map, so a driver can refuse a map it does not know.",
      compat: "nicsim's own.",
      fields: [
        {
          name: "MAJOR",
          msb: 31,
          lsb: 24,
          access: "ro",
          reset: MAP_VERSION.major,
          desc: "Incremented on incompatible changes.",
        },
        {
          name: "MINOR",
          msb: 23,
          lsb: 16,
          access: "ro",
          reset: MAP_VERSION.minor,
          desc: "Incremented when registers are added.",
        },
      ],
    },
    {
      name: "DEVCAP",
      offset: 0x0018,
      group: "device",
      title: "Device capabilities",
      desc:
        "How many queues and vectors this device was built with (construction parameters " +
        "of the model). Array registers above these counts are unmapped.",
      compat: "nicsim's own; the 82599's counts are fixed (128 queues, 64 vectors).",
      fields: [
        {
          name: "VECTORS",
          msb: 31,
          lsb: 16,
          access: "ro",
          reset: params.vectors,
          desc: "Number of MSI-X vectors.",
        },
        {
          name: "QUEUES",
          msb: 15,
          lsb: 0,
          access: "ro",
          reset: params.queues,
          desc: "Number of receive/transmit queue pairs.",
        },
      ],
    },
    {
      name: "SCRATCH",
      offset: 0x001c,
      group: "device",
      title: "Scratch",
      desc: "Thirty-two bits with no effect, for a driver to check its MMIO path.",
      compat: "nicsim's own.",
      fields: [{ name: "VALUE", msb: 31, lsb: 0, access: "rw", desc: "Any value." }],
    },
    {
      name: "ACCERR",
      offset: 0x0020,
      group: "device",
      title: "Register access errors",
      desc:
        "Sticky record of register accesses the device ignored. Hardware sets a bit when " +
        "such an access happens; software writes 1 to clear it. Each event is also " +
        "counted in BADACC.",
      compat: "nicsim's own: the 82599 silently ignores such accesses.",
      fields: [
        {
          name: "RESERVED_WRITE",
          msb: 3,
          lsb: 3,
          access: "w1c",
          desc: "A write set reserved bits (they were ignored).",
        },
        {
          name: "RO_WRITE",
          msb: 2,
          lsb: 2,
          access: "w1c",
          desc: "A write went to a register with no writable bits (ignored).",
        },
        {
          name: "UNALIGNED",
          msb: 1,
          lsb: 1,
          access: "w1c",
          desc: "A read or write at an offset not a multiple of 4 (write ignored, read returned 0).",
        },
        {
          name: "UNMAPPED",
          msb: 0,
          lsb: 0,
          access: "w1c",
          desc: "A read or write at an offset no register occupies (write ignored, read returned 0).",
        },
      ],
    },
    {
      name: "BADACC",
      offset: 0x0024,
      group: "device",
      title: "Bad register access count",
      desc: "Counts every access recorded in ACCERR.",
      compat: "nicsim's own.",
      counter: { width: 32 },
      fields: [{ name: "COUNT", msb: 31, lsb: 0, access: "cnt", desc: "Ignored accesses." }],
    },
  ];
}
