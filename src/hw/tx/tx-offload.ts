import { TX_CONTEXT, TX_DATA } from "../desc/formats.js";
import { type FieldPosition, fieldPosition } from "../desc/schema.js";
import { insertIpv4HeaderChecksum, insertL4Checksum } from "../offload/checksum.js";
import type { LsoRequest } from "../offload/lso.js";
import { parseFrame } from "../parse/parse-frame.js";
import { ParsedFrame } from "../parse/parsed-frame.js";

/** Context slots per queue (TX_CONTEXT.IDX / TX_DATA.IDX). */
export const CONTEXT_SLOTS = 2;

const field = (f: FieldPosition, dword: number): number => (dword & f.mask) >>> f.shift;
const CTX = {
  macLen: fieldPosition(TX_CONTEXT, "MACLEN"),
  ipLen: fieldPosition(TX_CONTEXT, "IPLEN"),
  ipv4: fieldPosition(TX_CONTEXT, "TUCMD_IPV4"),
  l4t: fieldPosition(TX_CONTEXT, "TUCMD_L4T"),
  mss: fieldPosition(TX_CONTEXT, "MSS"),
  l4Len: fieldPosition(TX_CONTEXT, "L4LEN"),
  idx: fieldPosition(TX_CONTEXT, "IDX"),
};
const DATA = {
  ixsm: fieldPosition(TX_DATA, "POPTS_IXSM").mask,
  txsm: fieldPosition(TX_DATA, "POPTS_TXSM").mask,
  idx: fieldPosition(TX_DATA, "IDX"),
};

/** The largest value a context field holds. */
const fieldMax = (f: FieldPosition): number => f.mask >>> f.shift;

/**
 * The most header bytes a context can describe: MACLEN, IPLEN and L4LEN at their
 * largest. (The LSO engine accepts fewer; this bounds what a send can stage.)
 */
export const MAX_CONTEXT_HEADER_BYTES =
  fieldMax(CTX.macLen) + fieldMax(CTX.ipLen) + fieldMax(CTX.l4Len);

/**
 * The transmit offload state and the checksum engine: each queue's two offload contexts
 * (as context descriptors leave them), and checksum insertion into a gathered frame as
 * its first data descriptor asks (POPTS.IXSM, POPTS.TXSM). The device computes every
 * checksum from the frame itself, so a partial sum left in the field by software does no
 * harm; UDP's computed 0 goes out as 0xFFFF.
 */
export class TxOffload {
  private readonly macLen: Int32Array;
  private readonly ipLen: Int32Array;
  private readonly l4Len: Int32Array;
  private readonly mss: Int32Array;
  private readonly ipv4: Uint8Array;
  private readonly parsed = new ParsedFrame();
  private readonly request: LsoRequest = {
    macHeaderBytes: 0,
    ipHeaderBytes: 0,
    tcpHeaderBytes: 0,
    mss: 0,
    ipv4: true,
  };

  constructor(queues: number) {
    const n = queues * CONTEXT_SLOTS;
    this.macLen = new Int32Array(n);
    this.ipLen = new Int32Array(n);
    this.l4Len = new Int32Array(n);
    this.mss = new Int32Array(n);
    this.ipv4 = new Uint8Array(n);
  }

  /** Stores a context descriptor's dwords 0, 2 and 3 in queue q's slot. */
  storeContext(q: number, dword0: number, dword2: number, dword3: number): void {
    const slot = q * CONTEXT_SLOTS + (field(CTX.idx, dword3) % CONTEXT_SLOTS);
    this.macLen[slot] = field(CTX.macLen, dword0);
    this.ipLen[slot] = field(CTX.ipLen, dword0);
    this.ipv4[slot] = field(CTX.ipv4, dword2);
    this.l4Len[slot] = field(CTX.l4Len, dword3);
    this.mss[slot] = field(CTX.mss, dword3);
  }

  /** The segmentation request of queue q for a frame whose first data descriptor's dword 3 is `options`. */
  segmentation(q: number, options: number): LsoRequest {
    const slot = q * CONTEXT_SLOTS + (field(DATA.idx, options) % CONTEXT_SLOTS);
    const r = this.request;
    r.macHeaderBytes = this.macLen[slot]!;
    r.ipHeaderBytes = this.ipLen[slot]!;
    r.tcpHeaderBytes = this.l4Len[slot]!;
    r.mss = this.mss[slot]!;
    r.ipv4 = this.ipv4[slot] === 1;
    return r;
  }

  /** Inserts the checksums `options` (first data descriptor's dword 3) ask for into the frame. */
  insertChecksums(frame: Uint8Array, length: number, options: number): void {
    if ((options & (DATA.ixsm | DATA.txsm)) === 0) return;
    const parsed = parseFrame(frame, 0, length, this.parsed);
    if ((options & DATA.ixsm) !== 0) insertIpv4HeaderChecksum(frame, parsed);
    if ((options & DATA.txsm) !== 0) insertL4Checksum(frame, parsed);
  }

  /** Forgets every context (device reset). */
  reset(): void {
    for (const a of [this.macLen, this.ipLen, this.l4Len, this.mss]) a.fill(0);
    this.ipv4.fill(0);
  }
}
