import type { MacKey } from "../frames/mac-key.js";
import type { Port } from "./port.js";

/**
 * The switch's forwarding table: which port has a MAC address on a VLAN, and which ports
 * are on each VLAN (for floods). Looked up per frame, so it is keyed by numbers: the VLAN
 * ID (0 for none), then the 48-bit address as a number.
 */
export class ForwardingTable {
  private readonly byVlan = new Map<number, Map<MacKey, Port>>();
  private readonly members = new Map<number, Port[]>();
  /** Ports by address alone, to tell a VLAN mismatch from an unknown address. */
  private readonly byMac = new Map<MacKey, number>();

  /** The port with `mac` on `vlan`, or undefined. */
  lookup(vlan: number, mac: MacKey): Port | undefined {
    return this.byVlan.get(vlan)?.get(mac);
  }

  /** True when some port has `mac`, on any VLAN. */
  knows(mac: MacKey): boolean {
    return (this.byMac.get(mac) ?? 0) > 0;
  }

  /** The ports on `vlan`, in the order they were added. */
  portsOn(vlan: number): readonly Port[] {
    return this.members.get(vlan) ?? NONE;
  }

  /** The port already holding `port`'s address on its VLAN, or undefined. */
  conflict(port: Port): Port | undefined {
    return this.lookup(port.vlan, port.macKey);
  }

  add(port: Port): void {
    let table = this.byVlan.get(port.vlan);
    if (table === undefined) {
      table = new Map();
      this.byVlan.set(port.vlan, table);
    }
    table.set(port.macKey, port);
    const list = this.members.get(port.vlan) ?? [];
    list.push(port);
    this.members.set(port.vlan, list);
    this.byMac.set(port.macKey, (this.byMac.get(port.macKey) ?? 0) + 1);
  }

  remove(port: Port): void {
    const table = this.byVlan.get(port.vlan);
    if (table?.get(port.macKey) !== port) return;
    table.delete(port.macKey);
    const list = this.members.get(port.vlan) ?? [];
    list.splice(list.indexOf(port), 1);
    const count = (this.byMac.get(port.macKey) ?? 1) - 1;
    if (count === 0) this.byMac.delete(port.macKey);
    else this.byMac.set(port.macKey, count);
  }
}

const NONE: readonly Port[] = [];
