/**
 * What the virtual switch's own work costs, in CPU cycles, charged (as "switch" work) to
 * the processor running it: the DPC that indicated the frames, or the processor a VM's
 * sends are processed on. Our figures, chosen so that the published effects come out
 * (see docs/dynamic-vmq.md): one processor serving the default queue alone tops out at
 * about 5 Gb/s of 1500-byte frames (with the host's default receive cost, 1500 + 4000 +
 * 1500 = 7000 cycles a frame: 430,000 frames/s at 3 GHz), the top of Microsoft's "about
 * 3 to 5 Gb/s per core without VMQ", and a frame in a VM's own queue costs 1500 + 1500 =
 * 3000 cycles, under half as much (test/system/vmq-behaviour.test.ts builds on these).
 */
export interface SwitchCostModel {
  /**
   * Per frame through the switch's full path: parse the header, look the destination up
   * (MAC and VLAN), apply the port's policy, put the frame in the VM's VMBus ring and
   * signal it. Default-queue frames, flood copies, VM-to-VM and outbound frames pay it.
   */
  readonly lookupCycles: number;
  /**
   * Per frame that arrives in a VM's own queue (VMQ): the NIC already classified it and
   * wrote it into the VM's memory, so the switch only hands it over and signals the VM.
   */
  readonly vmqFrameCycles: number;
  /** Per byte the switch copies into a VM's memory (default queue, floods, VM to VM). */
  readonly copyByteCycles: number;
  /** Per batch (one receive indication, one run of a VM's sends): entry and bookkeeping. */
  readonly batchCycles: number;
}

export const DEFAULT_SWITCH_COSTS: SwitchCostModel = Object.freeze({
  lookupCycles: 4000,
  vmqFrameCycles: 1500,
  copyByteCycles: 1,
  batchCycles: 500,
});

const NAMES: readonly (keyof SwitchCostModel)[] = [
  "lookupCycles",
  "vmqFrameCycles",
  "copyByteCycles",
  "batchCycles",
];

/** The defaults with `overrides` applied; a bad value throws a RangeError naming it. */
export function resolveSwitchCosts(overrides: Partial<SwitchCostModel> = {}): SwitchCostModel {
  for (const key of Object.keys(overrides)) {
    if (!(NAMES as readonly string[]).includes(key)) {
      throw new RangeError(`switch costs.${key}: not a cost (${NAMES.join(", ")})`);
    }
  }
  const costs = { ...DEFAULT_SWITCH_COSTS, ...overrides };
  for (const key of NAMES) {
    const v = costs[key];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`switch costs.${key}: ${v} must be a finite number of cycles >= 0`);
    }
  }
  return Object.freeze(costs);
}
