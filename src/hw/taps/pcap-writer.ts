import { writeFileSync } from "node:fs";
import type { Ticks } from "../../kernel/ticks.js";
import { isValidTicks, TICKS_PER_NS, TICKS_PER_SECOND } from "../../kernel/ticks.js";

/** Magic number of a nanosecond-resolution pcap file (microsecond files use 0xA1B2C3D4). */
export const PCAP_NANOSECOND_MAGIC = 0xa1b23c4d;
/** LINKTYPE_ETHERNET: each record is an Ethernet frame from the destination MAC on, no FCS. */
export const LINKTYPE_ETHERNET = 1;
/** The default snapshot length: the conventional "whole frame" value. */
export const DEFAULT_SNAPLEN = 65_535;
/** Bytes in the pcap global (file) header. */
export const PCAP_GLOBAL_HEADER_BYTES = 24;
/** Bytes in each pcap record header, before the captured bytes. */
export const PCAP_RECORD_HEADER_BYTES = 16;

const PCAP_VERSION_MAJOR = 2;
const PCAP_VERSION_MINOR = 4;
const MAX_UINT32 = 0xffff_ffff;
const DEFAULT_INITIAL_CAPACITY = 64 * 1024;

/** Options for {@link PcapWriter}. */
export interface PcapWriterOptions {
  /**
   * The most bytes of each frame kept in the file (the header's `snaplen`); longer frames
   * are truncated, with their original length still recorded. Default 65535.
   */
  readonly snaplen?: number;
  /** The buffer's starting size in bytes; it doubles as needed. Default 64 KiB. */
  readonly initialCapacity?: number;
}

/**
 * Writes a capture in the classic libpcap file format, in memory, for a tap on the NIC's
 * wire port.
 *
 * Format: classic pcap (not pcapng) with the nanosecond magic 0xA1B23C4D, version 2.4,
 * thiszone 0, sigfigs 0, linktype 1 (Ethernet), every field little-endian. Simulated
 * time is in picoseconds; the classic microsecond format would throw away three decimal
 * digits and make back-to-back minimum-size frames at 10 Gb/s and above (67.2 ns apart)
 * indistinguishable in time, while the nanosecond variant keeps them apart and is read by
 * Wireshark, tshark, tcpdump and libpcap alike. Each record's time is the tick rounded
 * down to the nanosecond: `ts_sec = floor(t / 1e12)`, `ts_nsec = floor((t mod 1e12) /
 * 1000)`. Classic pcap is also the simplest format those tools read, with no blocks to
 * describe interfaces or options.
 *
 * Direction: a pcap record has no field for it, so frames the port transmits and frames
 * it receives go into the one file, interleaved in time order; the frame's own addresses
 * tell the directions apart. (pcapng's EPB flags could carry direction; we do not need it.)
 *
 * Ordering: records should be appended with non-decreasing timestamps, and a tap sees
 * events in simulated-time order, so that holds. It is not enforced: Wireshark and
 * tshark read out-of-order files (showing negative deltas), so a record earlier than its
 * predecessor is written as given and counted in {@link outOfOrderCount}, never thrown.
 *
 * Cost: records are appended into one growable byte buffer (doubling when full) through a
 * `DataView` kept over it, so recording allocates no buffer per record; the only
 * per-record object is the short-lived view made when copying a slice of a larger buffer
 * (copying a whole `Uint8Array` makes none). The frame's bytes are copied at once, so the
 * caller may reuse its buffer as soon as {@link record} returns.
 */
export class PcapWriter {
  /** The snapshot length written in the header; longer frames are truncated to it. */
  readonly snaplen: number;
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;
  private records = 0;
  private outOfOrder = 0;
  private lastTicks: Ticks = 0;

  constructor(options: PcapWriterOptions = {}) {
    const snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > MAX_UINT32) {
      throw new RangeError(`pcap snaplen must be an integer in 1..${MAX_UINT32}, got ${snaplen}`);
    }
    const initialCapacity = options.initialCapacity ?? DEFAULT_INITIAL_CAPACITY;
    if (!Number.isInteger(initialCapacity) || initialCapacity < 0) {
      throw new RangeError(
        `pcap initialCapacity must be a non-negative integer, got ${initialCapacity}`,
      );
    }
    this.snaplen = snaplen;
    this.buffer = new Uint8Array(Math.max(PCAP_GLOBAL_HEADER_BYTES, initialCapacity));
    this.view = new DataView(this.buffer.buffer);
    this.writeGlobalHeader();
  }

  /** How many records have been appended. */
  get recordCount(): number {
    return this.records;
  }

  /** How many records were appended with a timestamp earlier than the record before. */
  get outOfOrderCount(): number {
    return this.outOfOrder;
  }

  /** The size of the file so far, in bytes (global header included). */
  get byteLength(): number {
    return this.length;
  }

  /**
   * Appends one record: the frame `frame[offset .. offset + length)` seen on the wire at
   * `atTicks`. At most `snaplen` bytes are kept; `originalLength` is the frame's length on
   * the wire (default `length`), for a caller that has already cut the frame short.
   * The bytes are copied before this returns.
   *
   * Throws RangeError if `atTicks` is not a valid tick count, if the slice lies outside
   * `frame`, or if `originalLength` is less than `length` or does not fit 32 bits. A
   * timestamp earlier than the previous record's is accepted (see the class comment).
   */
  record(
    atTicks: Ticks,
    frame: Uint8Array,
    offset: number,
    length: number,
    originalLength: number = length,
  ): void {
    if (!isValidTicks(atTicks)) {
      throw new RangeError(`pcap record time must be a valid tick count, got ${atTicks}`);
    }
    if (
      !Number.isInteger(offset) ||
      !Number.isInteger(length) ||
      offset < 0 ||
      length < 0 ||
      offset + length > frame.length
    ) {
      throw new RangeError(
        `pcap record slice [${offset}, +${length}) is outside a ${frame.length}-byte frame`,
      );
    }
    if (
      !Number.isInteger(originalLength) ||
      originalLength < length ||
      originalLength > MAX_UINT32
    ) {
      throw new RangeError(
        `pcap original length must be an integer in ${length}..${MAX_UINT32}, got ${originalLength}`,
      );
    }
    if (atTicks < this.lastTicks) this.outOfOrder++;
    this.lastTicks = atTicks;

    const captured = Math.min(length, this.snaplen);
    const start = this.length;
    this.reserve(PCAP_RECORD_HEADER_BYTES + captured);
    const view = this.view;
    // Both divisions are exact for integer ticks below 2^53; ts_sec stays under 2^14.
    const psInSecond = atTicks % TICKS_PER_SECOND;
    view.setUint32(start, (atTicks - psInSecond) / TICKS_PER_SECOND, true);
    view.setUint32(start + 4, Math.floor(psInSecond / TICKS_PER_NS), true);
    view.setUint32(start + 8, captured, true);
    view.setUint32(start + 12, originalLength, true);
    const dataStart = start + PCAP_RECORD_HEADER_BYTES;
    if (offset === 0 && captured === frame.length) {
      this.buffer.set(frame, dataStart);
    } else if (captured > 0) {
      this.buffer.set(frame.subarray(offset, offset + captured), dataStart);
    }
    this.length = dataStart + captured;
    this.records++;
  }

  /** The file's contents so far: a copy, unaffected by later records. */
  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  /** Writes the file's contents so far to `path`, replacing any file there. */
  writeFile(path: string): void {
    writeFileSync(path, this.buffer.subarray(0, this.length));
  }

  private writeGlobalHeader(): void {
    const view = this.view;
    view.setUint32(0, PCAP_NANOSECOND_MAGIC, true);
    view.setUint16(4, PCAP_VERSION_MAJOR, true);
    view.setUint16(6, PCAP_VERSION_MINOR, true);
    view.setInt32(8, 0, true); // thiszone: timestamps are UTC (simulated time from zero)
    view.setUint32(12, 0, true); // sigfigs: always 0 in practice
    view.setUint32(16, this.snaplen, true);
    view.setUint32(20, LINKTYPE_ETHERNET, true);
    this.length = PCAP_GLOBAL_HEADER_BYTES;
  }

  /** Makes room for `bytes` more bytes after the current end, doubling the buffer as needed. */
  private reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    let capacity = Math.max(this.buffer.length, 1);
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}
