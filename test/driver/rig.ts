import { expect } from "vitest";
import { HostMemory } from "../../src/bus/host-memory.js";
import { Adapter } from "../../src/driver/adapter.js";
import type { AdapterOptions } from "../../src/driver/adapter-config.js";
import type { ChecksumResult } from "../../src/driver/received-frame.js";
import type { Capabilities } from "../../src/driver/requests.js";
import type { SendStatus } from "../../src/driver/send-request.js";
import type { DeviceParams } from "../../src/hw/device-params.js";
import { Nic } from "../../src/hw/nic.js";
import { Scheduler } from "../../src/kernel/scheduler.js";
import { runUntilSettled } from "../../src/kernel/settle.js";
import { TICKS_PER_US, type Ticks } from "../../src/kernel/ticks.js";
import { FakeHost } from "./fake-host.js";

/** A received frame as the tests keep it: a copy, with where and when it was indicated. */
export interface Indication {
  readonly queue: number;
  readonly bytes: Uint8Array;
  /** The processor whose DPC indicated it. */
  readonly processor: number;
  readonly atTicks: Ticks;
  readonly rssHash: number;
  readonly rssType: number;
  readonly filterIndex: number;
  readonly ipChecksum: ChecksumResult;
  readonly l4Checksum: ChecksumResult;
  readonly vlanTci: number;
  readonly descriptors: number;
  /** The size of the batch it came in. */
  readonly batch: number;
}

export interface RigOptions {
  readonly nic?: Partial<DeviceParams>;
  readonly processors?: number;
  readonly adapter?: Omit<Partial<AdapterOptions>, "mmio" | "host" | "scheduler">;
}

/** A NIC, a fake host on the same scheduler, and the driver under test, with recorders. */
export class DriverRig {
  readonly scheduler = new Scheduler();
  readonly memory = new HostMemory();
  readonly nic: Nic;
  readonly host: FakeHost;
  readonly adapter: Adapter;
  readonly received: Indication[] = [];
  readonly completions: { queue: number; status: SendStatus; atTicks: Ticks }[] = [];
  readonly wire: Uint8Array[] = [];

  constructor(options: RigOptions = {}) {
    this.nic = new Nic(this.scheduler, this.memory, { queues: 8, vectors: 8, ...options.nic });
    this.host = new FakeHost(this.scheduler, this.memory, options.processors ?? 4);
    this.host.attach(this.nic);
    this.adapter = new Adapter({
      mmio: this.nic.mmio,
      host: this.host,
      scheduler: this.scheduler,
      ...options.adapter,
    });
    this.adapter.onReceive = (queue, frames) => {
      for (const f of frames) {
        expect(f.offset + f.length).toBeLessThanOrEqual(f.bytes.length);
        this.received.push({
          queue,
          bytes: f.bytes.slice(f.offset, f.offset + f.length),
          processor: this.host.runningProcessor,
          atTicks: f.receivedAtTicks,
          rssHash: f.rssHash,
          rssType: f.rssType,
          filterIndex: f.filterIndex,
          ipChecksum: f.ipChecksum,
          l4Checksum: f.l4Checksum,
          vlanTci: f.vlanTci,
          descriptors: f.descriptors,
          batch: frames.length,
        });
      }
    };
    this.adapter.onSendComplete = (queue, statuses) => {
      const atTicks = this.scheduler.nowTicks;
      for (const status of statuses) this.completions.push({ queue, status, atTicks });
    };
    this.nic.wire.onTransmit((frame) => this.wire.push(frame.slice()));
  }

  get now(): Ticks {
    return this.scheduler.nowTicks;
  }

  run(ticks: Ticks): void {
    this.scheduler.runUntil(this.scheduler.nowTicks + ticks);
  }

  /** Runs simulated time, `stepTicks` at a time, until `promise` settles; returns its value. */
  settle<T>(promise: Promise<T>, stepTicks: Ticks = 5 * TICKS_PER_US): Promise<T> {
    return runUntilSettled(promise, () => this.run(stepTicks));
  }

  /** Initializes the adapter and expects success. */
  async start(): Promise<Capabilities> {
    const result = await this.settle(this.adapter.initialize());
    if (!result.ok) throw new Error(`initialize failed: ${result.error.message}`);
    return result.capabilities;
  }

  /** The peer sends `frame`. */
  inject(frame: Uint8Array): void {
    if (!this.nic.wire.inject(frame, 0, frame.length)) throw new Error("peer queue full");
  }

  /**
   * Runs until both directions are idle (wire, packet buffers, DMA, the driver's sends,
   * the host's processors) and `finished()` (e.g. a traffic source) says so too.
   */
  drain(finished: () => boolean = () => true, maxSteps = 20_000): void {
    let quiet = 0;
    for (let i = 0; i < maxSteps; i++) {
      this.run(20 * TICKS_PER_US);
      quiet = finished() && this.idle() ? quiet + 1 : 0;
      // Idle for 200 us running: LSO segments staged in the NIC have reached the wire too.
      if (quiet >= 10) return;
    }
    throw new Error("not drained");
  }

  private idle(): boolean {
    const nic = this.nic;
    const sending = this.adapter
      .activeQueues()
      .some((q) => (this.adapter.queueInfo(q)?.txPendingSends ?? 0) > 0);
    return (
      !sending &&
      this.host.idle &&
      nic.wire.framesOnWire === 0 &&
      nic.wire.fromNic.fifo.count === 0 &&
      nic.rxBufferedFrames === 0 &&
      nic.rxDma.framesInFlight === 0
    );
  }
}
