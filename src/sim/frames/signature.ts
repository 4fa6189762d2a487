import type { Ticks } from "../../kernel/ticks.js";

/**
 * The traffic generator's signature, in the last bytes of every frame it builds (as
 * pktgen stamps its packets): which flow, which frame of the flow, and when it was sent.
 * Receivers read it to check order, count loss and measure latency end to end. At the end
 * so that it is found whatever the headers before it (VLAN tag, IPv4 or IPv6, TCP or UDP).
 */
export const SIGNATURE_BYTES = 20;
/** "NSIG". */
export const SIGNATURE_MAGIC = 0x4e534947;

/** What a signature holds. */
export interface Signature {
  flow: number;
  seq: number;
  sentAtTicks: Ticks;
}

/** Writes the signature into the last SIGNATURE_BYTES of `frame[0..length)`. */
export function writeSignature(
  frame: Uint8Array,
  length: number,
  flow: number,
  seq: number,
  sentAtTicks: Ticks,
): void {
  const view = new DataView(frame.buffer, frame.byteOffset + length - SIGNATURE_BYTES, 20);
  view.setUint32(0, SIGNATURE_MAGIC);
  view.setUint32(4, flow >>> 0);
  view.setUint32(8, seq >>> 0);
  view.setFloat64(12, sentAtTicks);
}

/** Reads the signature at the end of `frame[0..length)` into `out`; false when there is none. */
export function readSignature(frame: Uint8Array, length: number, out: Signature): boolean {
  if (length < SIGNATURE_BYTES) return false;
  const at = length - SIGNATURE_BYTES;
  const magic =
    ((frame[at]! << 24) | (frame[at + 1]! << 16) | (frame[at + 2]! << 8) | frame[at + 3]!) >>> 0;
  if (magic !== SIGNATURE_MAGIC) return false;
  const view = new DataView(frame.buffer, frame.byteOffset + at, SIGNATURE_BYTES);
  out.flow = view.getUint32(4);
  out.seq = view.getUint32(8);
  out.sentAtTicks = view.getFloat64(12);
  return true;
}
