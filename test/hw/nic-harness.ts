import { HostMemory } from "../../src/bus/host-memory.js";
import type { DeviceParams } from "../../src/hw/device-params.js";
import { Nic } from "../../src/hw/nic.js";
import { Scheduler } from "../../src/kernel/scheduler.js";

/**
 * A minimal register-level driver for tests: it programs rings and posts descriptors
 * the way a driver would, through MMIO and host memory only (offsets and bits from the
 * register map, descriptor layouts written out here by hand as the reference gives them).
 */
export class NicHarness {
  readonly scheduler = new Scheduler();
  readonly memory = new HostMemory();
  readonly nic: Nic;
  readonly messages: { vector: number; atTicks: number }[] = [];
  /** Ring-state queries within the current `run` call (see installWatchdog). */
  private watchdogCalls = 0;

  constructor(params: Partial<DeviceParams> = {}) {
    this.nic = new Nic(this.scheduler, this.memory, params);
    this.nic.setMsixListener((vector, _address, _data, atTicks) =>
      this.messages.push({ vector, atTicks }),
    );
  }

  at(name: string, n = 0): number {
    return this.nic.regs.map.offsetOf(name, n);
  }

  mask(reg: string, field: string): number {
    return this.nic.regs.map.fieldMask(reg, field);
  }

  /** A field's value within a register value. */
  field(reg: string, field: string, value: number): number {
    return this.nic.regs.map.fieldValue(reg, field, value);
  }

  /** A register's value without side effects (counters are not cleared). */
  peek(name: string, n = 0): number {
    return this.nic.regs.peek32(this.at(name, n));
  }

  /** The current simulated time. */
  get now(): number {
    return this.scheduler.nowTicks;
  }

  read(name: string, n = 0): number {
    return this.nic.mmio.read32(this.at(name, n));
  }

  write(name: string, value: number, n = 0): void {
    this.nic.mmio.write32(this.at(name, n), value);
  }

  run(deltaTicks: number): void {
    this.watchdogCalls = 0;
    this.scheduler.runUntil(this.scheduler.nowTicks + deltaTicks);
  }

  /**
   * Makes a device engine that loops without advancing time throw instead of hanging the
   * test run: counts the queries of the ring state (`available`) the engines make within
   * one `run` call and throws past `limit`.
   */
  installWatchdog(limit = 2_000_000): void {
    for (const state of [this.nic.rxQueues, this.nic.txQueues]) {
      const available = state.available.bind(state);
      state.available = (q: number) => {
        if (++this.watchdogCalls > limit) {
          throw new Error("watchdog: a device engine is spinning without advancing time");
        }
        return available(q);
      };
    }
  }

  /** Allocates and programs ring q of `descriptors` entries (RX or TX) and enables it. */
  setupRing(kind: "rx" | "tx", q: number, descriptors: number, extraControl = 0): number {
    const ring = this.memory.alloc(descriptors * 16);
    const p = kind === "rx" ? "RD" : "TD";
    this.write(`${p}BAL`, ring % 2 ** 32, q);
    this.write(`${p}BAH`, Math.floor(ring / 2 ** 32), q);
    this.write(`${p}LEN`, descriptors * 16, q);
    this.write(`${p}H`, 0, q);
    this.write(`${p}T`, 0, q);
    const ctl = kind === "rx" ? "RXDCTL" : "TXDCTL";
    this.write(ctl, this.mask(ctl, "ENABLE") | extraControl, q);
    return ring;
  }

  /** Writes an RX read descriptor (buffer address, dword 2 zero) at index i of `ring`. */
  postRx(ring: number, i: number, buffer: number): void {
    this.memory.writeU64(ring + i * 16, buffer);
    this.memory.writeU64(ring + i * 16 + 8, 0);
  }

  /** Writes a TX data descriptor: DEXT, DTYP 3, EOP/RS as asked, length. */
  postTx(ring: number, i: number, buffer: number, length: number, eop = true, rs = true): void {
    const cmd = (1 << 29) | (3 << 20) | (eop ? 1 << 24 : 0) | (rs ? 1 << 27 : 0) | length;
    this.memory.writeU64(ring + i * 16, buffer);
    this.memory.writeU32(ring + i * 16 + 8, cmd >>> 0);
    this.memory.writeU32(ring + i * 16 + 12, 0);
  }

  /** A frame of `length` bytes whose payload carries `seq`, for identification. */
  static frame(length: number, seq: number): Uint8Array {
    const f = new Uint8Array(length);
    f.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x88, 0xb5]);
    new DataView(f.buffer).setUint32(14, seq);
    for (let i = 18; i < length; i++) f[i] = (seq + i) & 0xff;
    return f;
  }
}
