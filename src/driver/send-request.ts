import { copyBytes } from "../bus/host-memory.js";
import { TX_CONTEXT, TX_DATA } from "../hw/desc/formats.js";
import { fieldPosition } from "../hw/desc/schema.js";
import { parseFrame } from "../hw/parse/parse-frame.js";
import { L3Kind, L4Kind, type ParsedFrame, ParseError } from "../hw/parse/parsed-frame.js";
import { IPV6_HEADER_BYTES } from "../hw/parse/protocols.js";

/** Where the IP length fields sit in their headers. */
const IPV4_TOTAL_LENGTH_AT = 2;
const IPV6_PAYLOAD_LENGTH_AT = 4;

/** Offloads a send may ask for (NDIS checksum and LSO v2 requests, per frame). */
export interface SendOffload {
  /** Large send: cut the TCP payload into segments of this many bytes (LSO). */
  readonly lsoMss?: number;
  /** Fill the IPv4 header checksum. */
  readonly ipv4Checksum?: boolean;
  /** Fill the TCP or UDP checksum (whichever the frame carries). */
  readonly l4Checksum?: boolean;
}

/**
 * One frame to send: its bytes, Ethernet header first, FCS excluded, and the offloads
 * wanted. The driver copies the bytes before `send` returns: the caller may reuse them.
 * Header lengths for the offloads are not given: the driver reads them from the frame,
 * as a miniport reads them from the packet.
 */
export interface SendRequest {
  readonly bytes: Uint8Array;
  readonly offload?: SendOffload;
}

/**
 * How each accepted send ended, in acceptance order:
 * - `sent`: the device read the frame (and put it, or its segments, on the wire).
 * - `refused-by-device`: the device refused it (STA_ERR: e.g. an MSS it cannot cut).
 * - `invalid`: the driver could not map it to descriptors (see `SendInvalidReason`);
 *   nothing reached the device.
 * - `aborted`: the queue was freed or the adapter halted before the device read it.
 */
export type SendStatus = "sent" | "refused-by-device" | "invalid" | "aborted";

/** Why a send was completed as `invalid` without reaching the device. */
export type SendInvalidReason =
  | "empty"
  | "too-large"
  | "not-ip"
  | "not-ipv4"
  | "not-tcp-or-udp"
  | "lso-not-tcp"
  | "lso-fragment"
  | "bad-mss"
  | "malformed-headers";

/**
 * The largest frame sent without segmentation: TXDERR counts "frame over 16 KiB" as a
 * bad descriptor (register reference).
 */
export const MAX_SEND_BYTES = 16 * 1024;
/**
 * The largest LSO payload: the device refuses more than 256 KiB (LSOERR), and PAYLEN
 * (18 bits) holds one less than that.
 */
export const MAX_LSO_PAYLOAD_BYTES = Math.min(
  256 * 1024,
  fieldPosition(TX_DATA, "PAYLEN").mask >>> fieldPosition(TX_DATA, "PAYLEN").shift,
);
/** The largest MSS the context descriptor holds. */
export const MAX_MSS =
  fieldPosition(TX_CONTEXT, "MSS").mask >>> fieldPosition(TX_CONTEXT, "MSS").shift;

/**
 * A send request mapped to what its descriptors say. One object, refilled per request
 * (the send path allocates nothing per frame).
 */
export class PreparedSend {
  /** Null when the request can be sent; else why not. */
  invalid: SendInvalidReason | null = null;
  length = 0;
  /** A context descriptor is needed (any offload). */
  offloads = false;
  lso = false;
  ipv4Checksum = false;
  l4Checksum = false;
  /** Context fields: header lengths, IP version, L4 type, MSS, TCP header length. */
  macHeaderBytes = 0;
  ipHeaderBytes = 0;
  ipv4 = false;
  tcp = false;
  mss = 0;
  l4HeaderBytes = 0;
  /** PAYLEN: the TCP payload for LSO, else the whole frame (as the 82599 wants). */
  payloadBytes = 0;

  reset(): void {
    this.invalid = null;
    this.length = 0;
    this.offloads = false;
    this.lso = false;
    this.ipv4Checksum = false;
    this.l4Checksum = false;
    this.macHeaderBytes = 0;
    this.ipHeaderBytes = 0;
    this.ipv4 = false;
    this.tcp = false;
    this.mss = 0;
    this.l4HeaderBytes = 0;
    this.payloadBytes = 0;
  }
}

/**
 * Maps `request` to descriptor fields in `out`, parsing the frame (with `parsed` as the
 * parser's scratch) only when an offload needs its header lengths.
 */
export function prepareSend(request: SendRequest, parsed: ParsedFrame, out: PreparedSend): void {
  out.reset();
  const length = request.bytes.length;
  out.length = length;
  out.payloadBytes = length;
  const offload = request.offload;
  out.lso = offload?.lsoMss !== undefined;
  out.ipv4Checksum = offload?.ipv4Checksum === true;
  out.l4Checksum = offload?.l4Checksum === true;
  out.offloads = out.lso || out.ipv4Checksum || out.l4Checksum;
  if (length === 0) {
    out.invalid = "empty";
    return;
  }
  if (!out.offloads) {
    if (length > MAX_SEND_BYTES) out.invalid = "too-large";
    return;
  }
  out.invalid = readHeaders(request.bytes, parsed, out);
  if (out.invalid === null && out.lso) out.invalid = checkLso(offload?.lsoMss ?? 0, out);
  else if (out.invalid === null && length > MAX_SEND_BYTES) out.invalid = "too-large";
}

/** Bytes of a large send's headers re-parsed with a patched IP length (see `parseHeaders`). */
const HEADER_SCRATCH_BYTES = 512;
const headerScratch = new Uint8Array(HEADER_SCRATCH_BYTES);

/**
 * Parses the frame's headers. A large send's IP length field may not describe the frame
 * (it cannot above 64 KiB, and LSO v2 lets it cover the whole send or nothing; the device
 * rewrites it per segment): when that is all that is wrong, the headers are parsed again
 * from a copy whose IP length covers exactly the bytes copied.
 */
function parseHeaders(bytes: Uint8Array, parsed: ParsedFrame, lso: boolean): ParsedFrame {
  const p = parseFrame(bytes, 0, bytes.length, parsed);
  const lengthOnly =
    p.error === ParseError.BadIpTotalLength || p.error === ParseError.IpLengthExceedsFrame;
  if (!lso || !lengthOnly) return p;
  const n = Math.min(bytes.length, HEADER_SCRATCH_BYTES);
  copyBytes(bytes, 0, headerScratch, 0, n);
  const l3 = p.l3Offset;
  const ipv4 = p.l3Kind === L3Kind.Ipv4;
  const covered = ipv4 ? n - l3 : n - l3 - IPV6_HEADER_BYTES;
  const at = l3 + (ipv4 ? IPV4_TOTAL_LENGTH_AT : IPV6_PAYLOAD_LENGTH_AT);
  headerScratch[at] = covered >>> 8;
  headerScratch[at + 1] = covered & 0xff;
  return parseFrame(headerScratch, 0, n, parsed);
}

/** Header lengths, IP version and L4 type from the frame itself. */
function readHeaders(
  bytes: Uint8Array,
  parsed: ParsedFrame,
  out: PreparedSend,
): SendInvalidReason | null {
  const p = parseHeaders(bytes, parsed, out.lso);
  if (p.l3Kind !== L3Kind.Ipv4 && p.l3Kind !== L3Kind.Ipv6) return "not-ip";
  if (p.error !== ParseError.None || p.l4Offset < 0) return "malformed-headers";
  if (out.ipv4Checksum && p.l3Kind !== L3Kind.Ipv4) return "not-ipv4";
  if (out.l4Checksum && p.l4Kind !== L4Kind.Tcp && p.l4Kind !== L4Kind.Udp) {
    return "not-tcp-or-udp";
  }
  out.macHeaderBytes = p.l3Offset - p.l2Offset;
  out.ipHeaderBytes = p.l4Offset - p.l3Offset;
  out.ipv4 = p.l3Kind === L3Kind.Ipv4;
  out.tcp = p.l4Kind === L4Kind.Tcp;
  out.l4HeaderBytes = out.tcp ? p.tcpHeaderLength : 0;
  if (out.lso && !out.tcp) return "lso-not-tcp";
  if (out.lso && p.isFragment) return "lso-fragment";
  return null;
}

/** LSO limits the driver knows; the device refuses the rest itself (STA_ERR). */
function checkLso(mss: number, out: PreparedSend): SendInvalidReason | null {
  if (!Number.isInteger(mss) || mss < 1 || mss > MAX_MSS) return "bad-mss";
  const payload = out.length - out.macHeaderBytes - out.ipHeaderBytes - out.l4HeaderBytes;
  if (payload > MAX_LSO_PAYLOAD_BYTES) return "too-large";
  out.mss = mss;
  out.payloadBytes = payload;
  // A large send has both checksums computed per segment by the device: ask for them,
  // as ixgbe does, whatever the request said.
  out.l4Checksum = true;
  out.ipv4Checksum = out.ipv4;
  return null;
}
