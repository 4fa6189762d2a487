import { readU32 } from "../../hw/parse/bytes.js";
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

// The send time goes on the wire as a big-endian float64, through this scratch float and
// its bytes (a DataView per frame would be an allocation per frame). SWAP turns an index
// into the big-endian byte order into one into the platform's.
const tick = new Float64Array(1);
const tickBytes = new Uint8Array(tick.buffer);
const SWAP = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 7 : 0;

/** Where each field sits in the signature. */
const FLOW_AT = 4;
const SEQ_AT = 8;
const SENT_AT = 12;

/** Writes the signature into the last SIGNATURE_BYTES of `frame[0..length)`. */
export function writeSignature(
  frame: Uint8Array,
  length: number,
  flow: number,
  seq: number,
  sentAtTicks: Ticks,
): void {
  const at = length - SIGNATURE_BYTES;
  put32(frame, at, SIGNATURE_MAGIC);
  put32(frame, at + FLOW_AT, flow);
  put32(frame, at + SEQ_AT, seq);
  tick[0] = sentAtTicks;
  for (let i = 0; i < 8; i++) frame[at + SENT_AT + i] = tickBytes[i ^ SWAP]!;
}

/**
 * Reads the signature at the end of the frame `frame[offset, offset + length)` into `out`;
 * false when there is none.
 */
export function readSignature(
  frame: Uint8Array,
  offset: number,
  length: number,
  out: Signature,
): boolean {
  if (length < SIGNATURE_BYTES) return false;
  const at = offset + length - SIGNATURE_BYTES;
  if (readU32(frame, at) !== SIGNATURE_MAGIC) return false;
  out.flow = readU32(frame, at + FLOW_AT);
  out.seq = readU32(frame, at + SEQ_AT);
  for (let i = 0; i < 8; i++) tickBytes[i ^ SWAP] = frame[at + SENT_AT + i]!;
  out.sentAtTicks = tick[0]!;
  return true;
}

/** Big-endian unsigned 32-bit `value` at `at`. */
function put32(frame: Uint8Array, at: number, value: number): void {
  frame[at] = value >>> 24;
  frame[at + 1] = (value >>> 16) & 0xff;
  frame[at + 2] = (value >>> 8) & 0xff;
  frame[at + 3] = value & 0xff;
}
