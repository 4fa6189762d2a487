import type { Ticks } from "../../kernel/ticks.js";

/** Bytes on the wire around every frame: preamble 7, start delimiter 1, inter-frame gap 12. */
export const WIRE_OVERHEAD_BYTES = 20;
/** The idle gap after every frame, part of WIRE_OVERHEAD_BYTES. */
export const INTER_FRAME_GAP_BYTES = 12;
/** The frame check sequence the MAC appends (frames in the model are held without it). */
export const FCS_BYTES = 4;
/** The shortest frame Ethernet allows, without FCS; shorter transmit frames are padded. */
export const MIN_FRAME_BYTES = 60;

/** Ticks one bit takes at `linkSpeedMbps` (an integer for every supported speed). */
export function bitTicks(linkSpeedMbps: number): Ticks {
  return 1_000_000 / linkSpeedMbps;
}

/**
 * How long a frame of `frameBytes` (without FCS) occupies the wire: its bytes, the FCS,
 * preamble, start delimiter and inter-frame gap. A 60-byte frame at 10 Gb/s: 67.2 ns.
 */
export function wireTicks(frameBytes: number, linkSpeedMbps: number): Ticks {
  return (frameBytes + FCS_BYTES + WIRE_OVERHEAD_BYTES) * 8 * bitTicks(linkSpeedMbps);
}
