/**
 * Why the switch dropped a frame. Every frame the driver indicates, and every frame a VM
 * hands over, ends delivered, sent, or counted under exactly one of these.
 * - `unknown-destination`: unicast to an address no port has (the switch does not flood
 *   unknown unicast: it knows every port's address).
 * - `vlan-mismatch`: the address belongs to a port on another VLAN.
 * - `no-port-in-vlan`: a broadcast or multicast with no other port on its VLAN (and, from
 *   the wire, nobody to flood it to).
 * - `send-queue-full`: a VM sent faster than its sends drained (the port's backlog limit).
 * - `port-removed`: sends still waiting when their port went away.
 * - `send-failed`: the driver completed the send as invalid, refused or aborted.
 */
export type SwitchDropReason =
  | "unknown-destination"
  | "vlan-mismatch"
  | "no-port-in-vlan"
  | "send-queue-full"
  | "port-removed"
  | "send-failed";

export const SWITCH_DROP_REASONS: readonly SwitchDropReason[] = [
  "unknown-destination",
  "vlan-mismatch",
  "no-port-in-vlan",
  "send-queue-full",
  "port-removed",
  "send-failed",
];

/** The switch's counts since it was built. */
export interface SwitchCounters {
  /** Frames the driver indicated (from the wire). */
  framesFromWire: number;
  /** Of those, unicast frames delivered to their port. */
  deliveredFromWire: number;
  /** Of those, broadcast/multicast frames flooded to at least one port. */
  floodedFromWire: number;
  /** Copies made by floods (from the wire or from VMs). */
  floodCopies: number;
  /** Receive indications (batches) processed. */
  indications: number;
  /** Frames VMs handed to the switch. */
  framesFromVms: number;
  /** Of those, delivered to another port on this switch (VM to VM, no wire). */
  switchedLocally: number;
  /** Of those, handed to the driver for the wire. */
  sentToWire: number;
  /** Drops, by reason. */
  readonly drops: Record<SwitchDropReason, number>;
}

export function newSwitchCounters(): SwitchCounters {
  return {
    framesFromWire: 0,
    deliveredFromWire: 0,
    floodedFromWire: 0,
    floodCopies: 0,
    indications: 0,
    framesFromVms: 0,
    switchedLocally: 0,
    sentToWire: 0,
    drops: Object.fromEntries(SWITCH_DROP_REASONS.map((r) => [r, 0])) as Record<
      SwitchDropReason,
      number
    >,
  };
}
