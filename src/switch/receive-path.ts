import type { ReceivedFrame } from "../driver/received-frame.js";
import type { HostServices } from "../host/host-services.js";
import type { Delivery } from "./delivery.js";
import { isGroupAt, macKeyAt } from "./frames/mac-key.js";
import { NO_VLAN, VLAN_ID_MASK } from "./frames/vlan-tag.js";
import type { ForwardingTable } from "./ports/forwarding-table.js";
import type { Port } from "./ports/port.js";
import type { SwitchCostModel } from "./switch-costs.js";
import type { SwitchCounters } from "./switch-counters.js";

/**
 * The switch's receive side: one call per receive indication (a queue's batch from one
 * DPC run), on the processor that ran the DPC, which pays for the work.
 *
 * A frame in a VM's own queue for that VM (the NIC's filter matched) costs only the
 * hand-over (`vmqFrameCycles`): the device wrote it into the VM's memory. Anything else
 * (the default queue, RSS queues, a queue whose filter is changing) takes the full path:
 * a lookup and a copy into the destination's memory. Broadcast and multicast are copied
 * to every port on the frame's VLAN.
 */
export class ReceivePath {
  /** The port owning each hardware queue (VMQ), by queue number. */
  readonly queueOwner: (Port | undefined)[] = [];
  /** Frames and bytes indicated per queue (for the run's metrics). */
  framesByQueue = new Float64Array(0);
  bytesByQueue = new Float64Array(0);
  private readonly host: HostServices;
  private readonly costs: SwitchCostModel;
  private readonly table: ForwardingTable;
  private readonly counters: SwitchCounters;
  private readonly delivery: Delivery;

  constructor(parts: {
    host: HostServices;
    costs: SwitchCostModel;
    table: ForwardingTable;
    counters: SwitchCounters;
    delivery: Delivery;
    /** Queues to count for at first (more are added as they appear). */
    queues: number;
  }) {
    this.host = parts.host;
    this.costs = parts.costs;
    this.table = parts.table;
    this.counters = parts.counters;
    this.delivery = parts.delivery;
    this.framesByQueue = new Float64Array(parts.queues);
    this.bytesByQueue = new Float64Array(parts.queues);
  }

  /** The driver's receive handler. */
  readonly indicate = (queue: number, frames: readonly ReceivedFrame[]): void => {
    const host = this.host;
    const costs = this.costs;
    const counters = this.counters;
    counters.indications++;
    counters.framesFromWire += frames.length;
    host.charge("switch", costs.batchCycles);
    const owner = this.queueOwner[queue];
    let bytes = 0;
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i]!;
      bytes += frame.length;
      const vlan = frame.vlanTci >= 0 ? frame.vlanTci & VLAN_ID_MASK : NO_VLAN;
      if (isGroupAt(frame.bytes, frame.offset)) {
        this.flood(frame, vlan);
        continue;
      }
      const mac = macKeyAt(frame.bytes, frame.offset);
      // A queue's owner is active: removing a port clears its queue's owner at once.
      if (owner !== undefined && owner.macKey === mac && owner.vlan === vlan) {
        host.charge("switch", costs.vmqFrameCycles);
        counters.deliveredFromWire++;
        this.delivery.stage(owner, frame);
        continue;
      }
      const port = this.table.lookup(vlan, mac);
      if (port === undefined) {
        counters.drops[this.table.knows(mac) ? "vlan-mismatch" : "unknown-destination"]++;
        continue;
      }
      host.charge("switch", costs.lookupCycles + costs.copyByteCycles * frame.length);
      counters.deliveredFromWire++;
      this.delivery.stage(port, frame);
    }
    if (queue >= this.framesByQueue.length) this.grow(queue);
    this.framesByQueue[queue]! += frames.length;
    this.bytesByQueue[queue]! += bytes;
    this.delivery.flush();
  };

  /** Makes room in the per-queue counts for `queue` (queues beyond the first guess). */
  private grow(queue: number): void {
    const size = Math.max(queue + 1, 2 * this.framesByQueue.length);
    const frames = new Float64Array(size);
    frames.set(this.framesByQueue);
    const bytes = new Float64Array(size);
    bytes.set(this.bytesByQueue);
    this.framesByQueue = frames;
    this.bytesByQueue = bytes;
  }

  /** A broadcast or multicast from the wire: a copy to every port on its VLAN. */
  private flood(frame: ReceivedFrame, vlan: number): void {
    const ports = this.table.portsOn(vlan);
    const costs = this.costs;
    this.host.charge("switch", costs.lookupCycles);
    if (ports.length === 0) {
      this.counters.drops["no-port-in-vlan"]++;
      return;
    }
    this.counters.floodedFromWire++;
    this.counters.floodCopies += ports.length;
    this.host.charge("switch", costs.copyByteCycles * frame.length * ports.length);
    for (const port of ports) this.delivery.stage(port, frame);
  }
}
