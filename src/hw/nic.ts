import type { HostMemory } from "../bus/host-memory.js";
import type { MmioPort } from "../bus/mmio-port.js";
import { ClockDomain } from "../kernel/clock-domain.js";
import type { Scheduler } from "../kernel/scheduler.js";
import { DeviceControl } from "./device/device-control.js";
import { type DeviceParams, LINK_SPEEDS_MBPS, resolveDeviceParams } from "./device-params.js";
import { DmaEngine } from "./dma/dma-engine.js";
import { FaultRecorder } from "./dma/fault-recorder.js";
import { InterruptUnit, type MsixListener } from "./irq/interrupt-unit.js";
import { FrameFifo } from "./mac/frame-fifo.js";
import { MacRx } from "./mac/mac-rx.js";
import { WirePort } from "./mac/wire-port.js";
import { buildRegisterMap } from "./regs/map/index.js";
import { RegisterFile } from "./regs/register-file.js";
import { QueueRingState } from "./rings/queue-ring-state.js";
import { RingControl } from "./rings/ring-control.js";
import { ReceiveClassifier } from "./rx/receive-classifier.js";
import { RxDma } from "./rx/rx-dma.js";
import { TxDma } from "./tx/tx-dma.js";
import { TxOffload } from "./tx/tx-offload.js";
import { TxOutput } from "./tx/tx-output.js";

/** The smallest frame the receive packet buffer is sized for, to bound its frame count. */
const MIN_BUFFERED_FRAME_BYTES = 60;

/**
 * The NIC: a device on the bus. The driver reaches it only through `mmio`, host memory
 * (by the device's DMA) and MSI-X messages (`setMsixListener`); the peer reaches it
 * through `wire`. Tests and debuggers may also use `regs.peek32`/`poke32`, which have no
 * side effects, and the read-only views (`rxBufferedFrames`...).
 */
export class Nic {
  readonly params: DeviceParams;
  /** The NIC core clock: every change the device makes happens on one of its edges. */
  readonly clock: ClockDomain;
  readonly regs: RegisterFile;
  readonly control: DeviceControl;
  /** The device's memory BAR as the driver sees it. */
  readonly mmio: MmioPort;
  readonly wire: WirePort;
  readonly dma: DmaEngine;
  readonly irq: InterruptUnit;
  readonly faults: FaultRecorder;
  readonly macRx: MacRx;
  /** The receive packet engines: filters, RSS, checksum validation. */
  readonly classifier: ReceiveClassifier;
  readonly rxPacketBuffer: FrameFifo;
  readonly rxQueues: QueueRingState;
  readonly txQueues: QueueRingState;
  readonly rxDma: RxDma;
  readonly txDma: TxDma;

  constructor(scheduler: Scheduler, memory: HostMemory, params: Partial<DeviceParams> = {}) {
    const p = resolveDeviceParams(params);
    this.params = p;
    this.clock = ClockDomain.fromHz("nic.core", p.coreClockHz);
    this.regs = new RegisterFile(buildRegisterMap(p), () => scheduler.nowTicks);
    this.dma = new DmaEngine(memory, p);
    this.control = new DeviceControl(scheduler, this.clock, this.regs, p, this.dma);
    this.irq = new InterruptUnit(scheduler, this.clock, this.regs, p.vectors);
    this.faults = new FaultRecorder(this.regs, this.irq);
    this.wire = new WirePort(scheduler, p.linkSpeedMbps, p.txPacketBufferBytes);
    this.rxPacketBuffer = new FrameFifo(
      p.rxPacketBufferBytes,
      Math.ceil(p.rxPacketBufferBytes / MIN_BUFFERED_FRAME_BYTES),
    );
    this.rxQueues = new QueueRingState(p.queues);
    this.txQueues = new QueueRingState(p.queues);
    this.rxDma = new RxDma(
      scheduler,
      this.clock,
      this.regs,
      this.dma,
      this.rxQueues,
      this.irq,
      this.faults,
      this.rxPacketBuffer,
    );
    const offload = new TxOffload(p.queues);
    this.txDma = new TxDma({
      scheduler,
      clock: this.clock,
      regs: this.regs,
      dma: this.dma,
      state: this.txQueues,
      irq: this.irq,
      faults: this.faults,
      offload,
      output: new TxOutput(this.clock, this.wire.fromNic, offload),
    });
    this.macRx = new MacRx(this.regs, this.rxPacketBuffer, this.rxDma);
    this.classifier = new ReceiveClassifier(this.regs, p.queues);
    this.macRx.classifier = this.classifier.classify;
    this.wire.toNic.addConsumer((bytes, offset, length, flags, at) =>
      this.macRx.receive(bytes, offset, length, flags, at),
    );
    this.installRingControl();
    this.rxDma.dmaBlocked = () => this.control.masterDisabled;
    this.txDma.dmaBlocked = () => this.control.masterDisabled;
    this.control.onControlWrite(() => {
      this.rxDma.kick();
      this.txDma.kick();
    });
    this.control.onReset(() => this.resetEngines());
    this.setLinkStatus();
    const regs = this.regs;
    this.mmio = {
      read32: (offset) => regs.read32(offset),
      write32: (offset, value) => regs.write32(offset, value),
    };
  }

  /** Where MSI-X messages go: the host's interrupt controller. */
  setMsixListener(listener: MsixListener | null): void {
    this.irq.setListener(listener);
  }

  /** Frames waiting in the receive packet buffer. */
  get rxBufferedFrames(): number {
    return this.rxPacketBuffer.count;
  }

  private installRingControl(): void {
    const rx = new RingControl(
      this.regs,
      this.rxQueues,
      {
        baseLow: "RDBAL",
        baseHigh: "RDBAH",
        length: "RDLEN",
        head: "RDH",
        tail: "RDT",
        control: "RXDCTL",
      },
      this.rxDma,
    );
    const loadBufferControl = (q: number) => {
      const kib = rx.field("SRRCTL", "BSIZEPACKET", q);
      this.rxQueues.bufferBytes[q] = Math.min(16, Math.max(1, kib)) * 1024;
      this.rxQueues.dropEnabled[q] = rx.field("SRRCTL", "DROP_EN", q);
    };
    rx.onEnable = loadBufferControl;
    this.regs.onWrite("SRRCTL", (q) => {
      loadBufferControl(q);
      this.rxDma.kick();
    });
    new RingControl(
      this.regs,
      this.txQueues,
      {
        baseLow: "TDBAL",
        baseHigh: "TDBAH",
        length: "TDLEN",
        head: "TDH",
        tail: "TDT",
        control: "TXDCTL",
      },
      this.txDma,
    );
  }

  private resetEngines(): void {
    this.rxQueues.resetAll();
    this.txQueues.resetAll();
    this.rxPacketBuffer.clear();
    this.rxDma.reset();
    this.txDma.reset();
    this.irq.reset();
    this.dma.reset();
    this.wire.fromNic.clear();
    this.classifier.reload();
    this.setLinkStatus();
  }

  private setLinkStatus(): void {
    const map = this.regs.map;
    const word = this.regs.wordOf("STATUS");
    const mask = map.fieldMask("STATUS", "LINK_SPEED");
    const code = (LINK_SPEEDS_MBPS as readonly number[]).indexOf(this.params.linkSpeedMbps);
    const value =
      (this.regs.words[word]! & ~mask) | (code << map.fieldShift("STATUS", "LINK_SPEED"));
    this.regs.hwWrite(word, value >>> 0);
  }
}
