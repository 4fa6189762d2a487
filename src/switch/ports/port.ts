import type { MacAddress } from "../../driver/filters.js";
import type { ReceivedFrame } from "../../driver/received-frame.js";
import type { SendRequest } from "../../driver/send-request.js";
import type { Ticks } from "../../kernel/ticks.js";
import { type MacKey, macKeyOf } from "../frames/mac-key.js";
import { NO_VLAN } from "../frames/vlan-tag.js";

/** A VM's network adapter, or the management OS's own (the host port). */
export type PortKind = "vm" | "host";

/**
 * Where a port's received frames go: one call per port per batch. The frames are lent
 * for the call (see `ReceivedFrame`); `deliveredAtTicks` is when the switch finished the
 * batch on its processor (the start of the routine plus the cycles spent so far).
 */
export type PortReceiver = (
  port: Port,
  frames: readonly ReceivedFrame[],
  deliveredAtTicks: Ticks,
) => void;

/** What a port is created with. */
export interface PortSpec {
  readonly name: string;
  readonly mac: MacAddress;
  /** The VLAN the port is an access port of (1..4094); none by default. */
  readonly vlan?: number;
  /**
   * What the port is for. The switch treats both kinds alike and keeps no record of it;
   * accepted so that callers describing a host port need not drop the field.
   */
  readonly kind?: PortKind;
  /**
   * The processor the port's sends are processed on (where its VMBus channel interrupts
   * the host); by default the port's number modulo the processors.
   */
  readonly sendProcessor?: number;
  readonly receiver?: PortReceiver;
}

/** A port's counts, since it was created. */
export interface PortCounters {
  framesDelivered: number;
  bytesDelivered: number;
  /** Frames the VM handed to the switch to send. */
  sendsQueued: number;
  /** Of those, delivered to another port without touching the wire. */
  sendsSwitchedLocally: number;
  /** Of those, handed to the driver (external, or a flood's wire copy). */
  sendsToWire: number;
  /** Completions by status, for the frames handed to the driver. */
  sendsCompleted: number;
  sendsFailed: number;
}

/** A switch port: a vNIC's address, its VLAN, its queue and its traffic. */
export class Port {
  readonly id: number;
  readonly name: string;
  readonly mac: MacAddress;
  readonly macKey: MacKey;
  /** NO_VLAN (0) or 1..4094. */
  readonly vlan: number;
  readonly sendProcessor: number;
  receiver: PortReceiver;
  /** The hardware queue whose filter steers this port's frames, or -1 (default queue). */
  queue = -1;
  /** False once removed: frames for it are dropped, its pending sends discarded. */
  active = true;
  readonly counters: PortCounters = {
    framesDelivered: 0,
    bytesDelivered: 0,
    sendsQueued: 0,
    sendsSwitchedLocally: 0,
    sendsToWire: 0,
    sendsCompleted: 0,
    sendsFailed: 0,
  };
  /** Frames staged for delivery in the batch being processed (reused). */
  readonly batch: ReceivedFrame[] = [];
  /** Sends waiting for the port's send routine, oldest first, from `pendingHead` on. */
  readonly pending: SendRequest[] = [];
  pendingHead = 0;
  /**
   * True once the group frame at `pendingHead` has been copied to the other ports, while
   * its wire copy waits for room in the driver's ring (so a retry copies nothing again).
   */
  headFlooded = false;
  /** True while the port's send routine is queued on its processor. */
  sendScheduled = false;
  /** The transmit queue holding the port's sends the driver has not completed, or -1. */
  txQueue = -1;
  /** Sends handed to the driver and not completed yet (all on `txQueue`). */
  txInFlight = 0;

  constructor(id: number, spec: PortSpec, sendProcessor: number) {
    this.id = id;
    this.name = spec.name;
    this.mac = [...spec.mac];
    this.macKey = macKeyOf(spec.mac);
    this.vlan = spec.vlan ?? NO_VLAN;
    this.sendProcessor = sendProcessor;
    this.receiver = spec.receiver ?? (() => {});
  }

  /** Takes `count` sends from the head of the backlog. */
  advancePending(count: number): void {
    this.pendingHead += count;
    this.headFlooded = false;
  }

  /** Sends waiting. */
  get pendingSends(): number {
    return this.pending.length - this.pendingHead;
  }

  /** Drops the sends already taken from the front of `pending` (amortised). */
  compactPending(): void {
    if (this.pendingHead > 64 && this.pendingHead * 2 > this.pending.length) {
      this.pending.splice(0, this.pendingHead);
      this.pendingHead = 0;
    } else if (this.pendingHead === this.pending.length) {
      this.pending.length = 0;
      this.pendingHead = 0;
    }
  }
}
