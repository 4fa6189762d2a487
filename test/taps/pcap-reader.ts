/**
 * An independent reader of the pcap files the simulator writes, written from the classic
 * libpcap format (https://wiki.wireshark.org/Development/LibpcapFileFormat) rather than
 * from the writer: a 24-byte global header (magic 0xA1B23C4D for nanosecond timestamps,
 * version 2.4, thiszone, sigfigs, snaplen, linktype 1 = Ethernet), then per record a
 * 16-byte header (ts_sec, ts_nsec, incl_len, orig_len) and the captured bytes; every field
 * little-endian, as a little-endian host writes them. Anything else is an error.
 */

export interface PcapRecord {
  readonly sec: number;
  readonly nsec: number;
  readonly inclLen: number;
  readonly origLen: number;
  /** The captured bytes (a copy). */
  readonly data: Uint8Array;
}

export interface PcapFile {
  readonly snaplen: number;
  readonly records: PcapRecord[];
}

const NANOSECOND_MAGIC = 0xa1b23c4d;
const LINKTYPE_ETHERNET = 1;
const GLOBAL_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;

export function parsePcap(file: Uint8Array): PcapFile {
  if (file.length < GLOBAL_HEADER_BYTES) throw new Error(`${file.length} bytes: no pcap header`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const field = (name: string, got: number, want: number) => {
    if (got !== want) throw new Error(`${name} ${got}, expected ${want}`);
  };
  field("magic", view.getUint32(0, true), NANOSECOND_MAGIC);
  field("major version", view.getUint16(4, true), 2);
  field("minor version", view.getUint16(6, true), 4);
  field("thiszone", view.getInt32(8, true), 0);
  field("sigfigs", view.getUint32(12, true), 0);
  const snaplen = view.getUint32(16, true);
  field("linktype", view.getUint32(20, true), LINKTYPE_ETHERNET);
  const records: PcapRecord[] = [];
  let pos = GLOBAL_HEADER_BYTES;
  while (pos < file.length) {
    if (pos + RECORD_HEADER_BYTES > file.length) {
      throw new Error(`truncated record header at ${pos}`);
    }
    const sec = view.getUint32(pos, true);
    const nsec = view.getUint32(pos + 4, true);
    const inclLen = view.getUint32(pos + 8, true);
    const origLen = view.getUint32(pos + 12, true);
    if (nsec >= 1_000_000_000) throw new Error(`ts_nsec ${nsec} out of range at ${pos}`);
    if (inclLen > snaplen || inclLen > origLen) {
      throw new Error(`incl_len ${inclLen} (orig_len ${origLen}, snaplen ${snaplen}) at ${pos}`);
    }
    pos += RECORD_HEADER_BYTES;
    if (pos + inclLen > file.length) throw new Error(`truncated record data at ${pos}`);
    records.push({ sec, nsec, inclLen, origLen, data: file.slice(pos, pos + inclLen) });
    pos += inclLen;
  }
  return { snaplen, records };
}
