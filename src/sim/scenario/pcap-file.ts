import { closeSync, openSync, writeSync } from "node:fs";
import { PCAP_GLOBAL_HEADER_BYTES, PcapWriter } from "../../hw/taps/pcap-writer.js";
import type { Ticks } from "../../kernel/ticks.js";

/** Records held in memory before they are appended to the file. */
const FLUSH_BYTES = 8 * 1024 * 1024;

/**
 * A pcap file written as the run goes: records collect in a PcapWriter (which owns the
 * format) and are appended to the file every few MiB, so a long capture never sits whole
 * in memory. The file is complete and valid once `close` returns.
 */
export class PcapFile {
  private writer: PcapWriter;
  private readonly fd: number;

  constructor(
    readonly path: string,
    private readonly snaplen?: number,
  ) {
    this.writer = this.newWriter();
    this.fd = openSync(path, "w");
    writeSync(this.fd, this.writer.bytes());
  }

  record(atTicks: Ticks, frame: Uint8Array, length: number): void {
    this.writer.record(atTicks, frame, 0, length);
    if (this.writer.byteLength >= FLUSH_BYTES) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.writer.recordCount === 0) return;
    const bytes = this.writer.bytes();
    writeSync(this.fd, bytes, PCAP_GLOBAL_HEADER_BYTES);
    this.writer = this.newWriter();
  }

  private newWriter(): PcapWriter {
    return new PcapWriter(this.snaplen !== undefined ? { snaplen: this.snaplen } : {});
  }
}
