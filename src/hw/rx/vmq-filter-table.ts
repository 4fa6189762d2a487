import type { RegisterFile } from "../regs/register-file.js";

/** No filter matched. */
export const NO_FILTER = -1;

/**
 * The receive filter table as the data path uses it: a map from destination MAC (as a
 * 48-bit number) to the filters naming it, rebuilt whenever software writes a filter
 * register (the control path), so a lookup per frame is one map probe.
 */
export class VmqFilterTable {
  private readonly regs: RegisterFile;
  private readonly count: number;
  private readonly ralWord0: number;
  private readonly rahWord0: number;
  private readonly vmqfWord0: number;
  private readonly strideWords: number;
  private readonly avMask: number;
  private readonly vlanMatchMask: number;
  private readonly vlanIdMask: number;
  private readonly vlanIdShift: number;
  private readonly queueMask: number;
  private byMac = new Map<number, number[]>();

  constructor(regs: RegisterFile, count: number) {
    this.regs = regs;
    this.count = count;
    const map = regs.map;
    this.ralWord0 = regs.wordOf("RAL");
    this.rahWord0 = regs.wordOf("RAH");
    this.vmqfWord0 = regs.wordOf("VMQF");
    this.strideWords = (map.byName("RAL")?.stride ?? 16) >>> 2;
    this.avMask = map.fieldMask("RAH", "AV");
    this.vlanMatchMask = map.fieldMask("VMQF", "VLAN_MATCH");
    this.vlanIdMask = map.fieldMask("VMQF", "VLAN_ID");
    this.vlanIdShift = map.fieldShift("VMQF", "VLAN_ID");
    this.queueMask = map.fieldMask("VMQF", "QUEUE");
    for (const name of ["RAL", "RAH", "VMQF"]) regs.onWrite(name, () => this.rebuild());
  }

  /** Rebuilds the lookup from the registers (after any filter write, and after reset). */
  rebuild(): void {
    const byMac = new Map<number, number[]>();
    const words = this.regs.words;
    for (let n = 0; n < this.count; n++) {
      const high = words[this.rahWord0 + n * this.strideWords]!;
      if ((high & this.avMask) === 0) continue;
      const low = words[this.ralWord0 + n * this.strideWords]!;
      const key = macKeyFromRegisters(low, high & 0xffff);
      const list = byMac.get(key);
      if (list === undefined) byMac.set(key, [n]);
      else list.push(n);
    }
    this.byMac = byMac;
  }

  /**
   * The lowest-numbered enabled filter matching the destination MAC at `bytes[offset]`
   * and VLAN ID `vlanId` (-1 when untagged), or NO_FILTER.
   */
  match(bytes: Uint8Array, offset: number, vlanId: number): number {
    const list = this.byMac.get(macKeyFromFrame(bytes, offset));
    if (list === undefined) return NO_FILTER;
    const words = this.regs.words;
    for (let i = 0; i < list.length; i++) {
      const n = list[i]!;
      const vmqf = words[this.vmqfWord0 + n * this.strideWords]!;
      if ((vmqf & this.vlanMatchMask) === 0) return n;
      if (vlanId === (vmqf & this.vlanIdMask) >>> this.vlanIdShift) return n;
    }
    return NO_FILTER;
  }

  /** The queue filter `n` steers to. */
  queueOf(n: number): number {
    return this.regs.words[this.vmqfWord0 + n * this.strideWords]! & this.queueMask;
  }
}

/** A MAC as a number: byte 0 (first on the wire) most significant. */
function macKeyFromFrame(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset]! << 8) | bytes[offset + 1]!) * 0x1_0000_0000 +
    ((bytes[offset + 2]! << 24) >>> 0) +
    ((bytes[offset + 3]! << 16) | (bytes[offset + 4]! << 8) | bytes[offset + 5]!)
  );
}

/** The same key from RAL (bytes 0-3, byte 0 in bits 7:0) and RAH (bytes 4-5). */
function macKeyFromRegisters(low: number, high: number): number {
  const b = [
    low & 0xff,
    (low >>> 8) & 0xff,
    (low >>> 16) & 0xff,
    low >>> 24,
    high & 0xff,
    high >>> 8,
  ];
  return (
    ((b[0]! << 8) | b[1]!) * 0x1_0000_0000 +
    ((b[2]! << 24) >>> 0) +
    ((b[3]! << 16) | (b[4]! << 8) | b[5]!)
  );
}
