import { RegisterMap } from "../../src/hw/regs/register-map.js";
import type { RegisterDef, RegisterGroup } from "../../src/hw/regs/schema.js";

/**
 * A small map with what the device map does not have yet: an array register, an RC
 * field, a 64-bit counter pair, several groups and a register whose group is not
 * described. Offsets and values here are written by hand, so tests can check the
 * renderers against numbers they did not compute.
 */
export const SYNTH_GROUPS: RegisterGroup[] = [
  { name: "ctl", title: "Control block", desc: "Control registers of the test device." },
  { name: "queues", title: "Queue block", desc: "One register per queue." },
  { name: "stats", title: "Statistics", desc: "Counters." },
];

export const SYNTH_DEFS: RegisterDef[] = [
  {
    name: "CTL",
    offset: 0x0000,
    group: "ctl",
    title: "Control",
    desc: "Mode and kick bits.",
    sideEffects: "Writing GO starts the engine.",
    compat: "82599: like CTRL, but smaller.",
    fields: [
      {
        name: "MODE",
        msb: 30,
        lsb: 29,
        access: "rw",
        reset: 1,
        desc: "Engine mode.",
        enum: [
          { value: 0, name: "OFF", desc: "Stopped." },
          { value: 1, name: "SLOW", desc: "Half speed." },
          { value: 2, name: "FAST", desc: "Full speed." },
        ],
      },
      { name: "GO", msb: 8, lsb: 8, access: "sc", desc: "Start." },
      { name: "ARM", msb: 7, lsb: 7, access: "w1s", desc: "Arm the trigger." },
      { name: "KICK", msb: 3, lsb: 0, access: "wo", desc: "Doorbell: queue | ring (any value)." },
    ],
  },
  {
    name: "ISR",
    offset: 0x0004,
    group: "ctl",
    title: "Interrupt cause",
    desc: "Causes.",
    fields: [{ name: "CAUSE", msb: 15, lsb: 0, access: "w1c", desc: "One bit per cause." }],
  },
  {
    name: "QCTL",
    offset: 0x1000,
    count: 4,
    stride: 0x40,
    group: "queues",
    title: "Queue control",
    desc: "Per-queue enable and events.",
    fields: [
      { name: "EVENTS", msb: 7, lsb: 4, access: "rc", desc: "Events since the last read." },
      { name: "ENABLE", msb: 0, lsb: 0, access: "rw", desc: "Queue on." },
    ],
  },
  {
    name: "OCTETS_L",
    offset: 0x2000,
    group: "stats",
    title: "Octets (low)",
    desc: "Low half of the octet counter.",
    counter: { width: 64, half: "low", pair: "OCTETS" },
    fields: [{ name: "COUNT", msb: 31, lsb: 0, access: "cnt", desc: "Low 32 bits." }],
  },
  {
    name: "OCTETS_H",
    offset: 0x2004,
    group: "stats",
    title: "Octets (high)",
    desc: "High half of the octet counter.",
    counter: { width: 64, half: "high", pair: "OCTETS" },
    fields: [{ name: "COUNT", msb: 31, lsb: 0, access: "cnt", desc: "High 32 bits." }],
  },
  {
    name: "LOOSE",
    offset: 0x3000,
    group: "undescribed",
    title: "Loose register",
    desc: "Its group is not in the group list.",
    fields: [{ name: "VALUE", msb: 31, lsb: 0, access: "ro", reset: 0xabcd, desc: "A value." }],
  },
];

export const SYNTH_BAR_BYTES = 0x4000;

export function syntheticMap(): RegisterMap {
  return new RegisterMap(SYNTH_DEFS, SYNTH_GROUPS, SYNTH_BAR_BYTES);
}
