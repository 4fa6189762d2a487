import type { DriverRegisters } from "./registers.js";

/** A MAC address: six bytes, the first on the wire first. */
export type MacAddress = readonly number[];

/** The VLAN IDs a filter may require (0 and 4095 are reserved by 802.1Q). */
export const VLAN_MIN = 1;
export const VLAN_MAX = 4094;

/** Why a MAC address cannot be a queue filter, or null when it can. */
export function macProblem(mac: MacAddress): string | null {
  if (!Array.isArray(mac) || mac.length !== 6) return "a MAC address is 6 bytes";
  if (!mac.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return "MAC bytes are integers 0..255";
  }
  if ((mac[0]! & 1) !== 0) return "a group (multicast/broadcast) address cannot steer to a queue";
  if (mac.every((b) => b === 0)) return "the all-zero address is not a station address";
  return null;
}

/** Why a VLAN ID cannot be matched, or null when it can (undefined: no VLAN test). */
export function vlanProblem(vlan: number | undefined): string | null {
  if (vlan === undefined) return null;
  if (!Number.isInteger(vlan) || vlan < VLAN_MIN || vlan > VLAN_MAX) {
    return `VLAN ID ${vlan} outside ${VLAN_MIN}..${VLAN_MAX}`;
  }
  return null;
}

/** Formats a MAC as aa:bb:cc:dd:ee:ff. */
export function formatMac(mac: MacAddress): string {
  return mac.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

interface FilterEntry {
  readonly mac: MacAddress;
  readonly vlan: number | undefined;
  readonly queue: number;
}

/**
 * The device's receive filters (RAL/RAH/VMQF n): which slot steers which MAC (and VLAN)
 * to which queue. The device lets the lowest matching slot win; the driver never installs
 * two filters for the same MAC and VLAN, so order does not matter.
 */
export class FilterTable {
  private readonly regs: DriverRegisters;
  private readonly entries: (FilterEntry | null)[];

  constructor(regs: DriverRegisters) {
    this.regs = regs;
    this.entries = new Array<FilterEntry | null>(regs.count("RAL")).fill(null);
  }

  /** The queue other than `exceptQueue` that `mac`/`vlan` already steers to, or -1. */
  conflict(mac: MacAddress, vlan: number | undefined, exceptQueue: number): number {
    const entry = this.entries.find(
      (e) =>
        e !== null &&
        e.queue !== exceptQueue &&
        e.vlan === vlan &&
        e.mac.every((b, i) => b === mac[i]),
    );
    return entry?.queue ?? -1;
  }

  /** A free slot, or -1. */
  freeSlot(): number {
    return this.entries.indexOf(null);
  }

  /**
   * Programs slot `slot`. The slot is disabled (RAH.AV = 0) while its address and queue
   * change, so the device never matches a half-written filter.
   */
  install(slot: number, mac: MacAddress, vlan: number | undefined, queue: number): void {
    const regs = this.regs;
    regs.write("RAH", 0, slot);
    regs.write("RAL", (mac[0]! | (mac[1]! << 8) | (mac[2]! << 16) | (mac[3]! << 24)) >>> 0, slot);
    regs.writeFields(
      "VMQF",
      vlan === undefined ? { QUEUE: queue } : { QUEUE: queue, VLAN_MATCH: 1, VLAN_ID: vlan },
      slot,
    );
    regs.writeFields("RAH", { ADDR: mac[4]! | (mac[5]! << 8), AV: 1 }, slot);
    this.entries[slot] = { mac: [...mac], vlan, queue };
  }

  /** Disables slot `slot`: frames it steered take the default path from now on. */
  remove(slot: number): void {
    this.regs.write("RAH", 0, slot);
    this.entries[slot] = null;
  }
}
