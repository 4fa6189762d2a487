import type { DeviceParams } from "../../src/hw/device-params.js";
import { TICKS_PER_US } from "../../src/kernel/ticks.js";
import { outcome } from "../support/model-test.js";
import { NicHarness } from "./nic-harness.js";
import { queueByteClassifier, type RxFrameSpec, WireLedger } from "./nic-model-frames.js";
import { IrqTracker } from "./nic-model-irq.js";
import { hex, type ObservedFault, RxDriver } from "./nic-model-rx.js";
import { TxDriver } from "./nic-model-tx.js";

/** The device the model test drives: few queues and vectors, small packet buffers. */
export const MODEL_PARAMS: Partial<DeviceParams> = {
  queues: 4,
  vectors: 4,
  rxPacketBufferBytes: 32 * 1024,
  txPacketBufferBytes: 32 * 1024,
};

/**
 * The model test's world: the device (through `NicHarness`), the model driver's receive
 * and transmit halves, its interrupt bookkeeping, the ledger of injected frames, and the
 * checks run after every command.
 */
export class NicWorld {
  readonly h: NicHarness;
  readonly queues: number;
  readonly ledger: WireLedger;
  readonly rx: RxDriver;
  readonly tx: TxDriver;
  readonly irq: IrqTracker;
  /** Bad register accesses the driver made on purpose (BADACC must match). */
  badAccesses = 0;
  /** Fault and refusal counts when the driver last cleared OCR. */
  private ocrBase = { rx: 0, tx: 0, txderr: 0 };

  constructor(params: Partial<DeviceParams> = MODEL_PARAMS) {
    this.h = new NicHarness(params);
    const h = this.h;
    this.queues = h.nic.params.queues;
    this.ledger = new WireLedger(this.queues);
    this.rx = new RxDriver(this.queues, this.ledger);
    this.tx = new TxDriver(h, this.queues);
    this.irq = new IrqTracker(h);
    h.nic.macRx.classifier = queueByteClassifier(this.queues);
    const v = this.irq.vectors;
    for (let q = 0; q < this.queues; q++) this.mapQueue(q, true, q % v, true, (q + 1) % v);
    h.write("IVAR_MISC", h.mask("IVAR_MISC", "VALID") | (v - 1));
    // A device engine looping without advancing time fails the command, not the run.
    h.installWatchdog();
  }

  mapQueue(q: number, rxValid: boolean, rxVector: number, txValid: boolean, txVector: number) {
    const h = this.h;
    const value =
      (rxValid ? h.mask("IVAR", "RX_VALID") : 0) |
      rxVector |
      (txValid ? h.mask("IVAR", "TX_VALID") : 0) |
      (txVector << 8);
    h.write("IVAR", value, q);
  }

  inject(spec: RxFrameSpec): void {
    this.ledger.inject(this.h, spec);
  }

  advance(ticks: number): void {
    this.h.run(ticks);
  }

  /** The driver clears OCR (write 1s) after handling the causes. */
  clearOcr(): void {
    const h = this.h;
    h.write("OCR", h.peek("OCR"));
    this.ocrBase = { rx: this.rx.faults, tx: this.tx.faults, txderr: h.peek("TXDERR") };
  }

  /** Every invariant, after every command. Updates what the driver knows first. */
  check(): void {
    const h = this.h;
    const faults = [...this.rx.observe(h), ...this.tx.observe(h)];
    this.checkFaults(faults.length > 0 ? faults : null);
    this.rx.check(h);
    this.tx.check(h);
    this.irq.check(h);
    this.checkAccounting();
    const badacc = h.peek("BADACC");
    if (badacc !== this.badAccesses) {
      throw new Error(`BADACC ${badacc}, the driver made ${this.badAccesses} bad accesses`);
    }
    if (h.peek("ACCERR") !== 0) throw new Error(`ACCERR ${hex(h.peek("ACCERR"))} unexpected`);
  }

  /** Fault registers: counts, OCR causes, and the last fault's queue and address. */
  private checkFaults(newFaults: ObservedFault[] | null): void {
    const h = this.h;
    const rxdmadc = h.peek("RXDMADC");
    const dmafc = h.peek("DMAFC");
    if (rxdmadc !== this.rx.faults) {
      throw new Error(`RXDMADC ${rxdmadc}, ${this.rx.faults} receive faults seen`);
    }
    if (dmafc !== this.rx.faults + this.tx.faults) {
      throw new Error(`DMAFC ${dmafc}, ${this.rx.faults}+${this.tx.faults} faults seen`);
    }
    const ocr = h.peek("OCR");
    const expected =
      (this.rx.faults > this.ocrBase.rx ? h.mask("OCR", "RX_DMA_FAULT") : 0) |
      (this.tx.faults > this.ocrBase.tx ? h.mask("OCR", "TX_DMA_FAULT") : 0) |
      (h.peek("TXDERR") > this.ocrBase.txderr ? h.mask("OCR", "TX_DESC_ERROR") : 0);
    if (ocr !== expected) throw new Error(`OCR ${hex(ocr)}, expected ${hex(expected)}`);
    if (newFaults === null) return;
    const fqueue = h.peek("FQUEUE");
    const queue = h.field("FQUEUE", "QUEUE", fqueue);
    const tx = h.field("FQUEUE", "TX", fqueue) === 1;
    const address = h.peek("FADDRH") * 2 ** 32 + h.peek("FADDRL");
    // Several faults in one command: the registers hold the last one's, whichever it was.
    const match = newFaults.find((f) => f.queue === queue && f.tx === tx);
    if (match === undefined || !match.poison.includes(address)) {
      const seen = newFaults.map((f) => `${f.tx ? "tx" : "rx"}${f.queue}`).join(", ");
      throw new Error(`FQUEUE ${hex(fqueue)} FADDR ${hex(address)}: faults seen ${seen}`);
    }
  }

  /**
   * Every injected frame is in exactly one place: on the wire, in the packet buffer, in
   * DMA flight, in a ring (GPRC), or in one drop counter. Ethernet's rejections match the
   * frames that have arrived.
   */
  private checkAccounting(): void {
    const h = this.h;
    const nic = h.nic;
    const arrived = this.ledger.arrived(h);
    const r = this.ledger.rejected;
    const ruc = h.peek("RUC");
    const roc = h.peek("ROC");
    const crc = h.peek("CRCERRS");
    if (ruc !== r.runt || roc !== r.oversize || crc !== r.badFcs) {
      throw new Error(
        `RUC/ROC/CRCERRS ${ruc}/${roc}/${crc}, expected ${r.runt}/${r.oversize}/${r.badFcs}`,
      );
    }
    let qprdc = 0;
    for (let q = 0; q < this.queues; q++) qprdc += h.peek("QPRDC", q);
    const places = {
      buffered: nic.rxBufferedFrames,
      inFlight: nic.rxDma.framesInFlight,
      written: h.peek("GPRC"),
      missed: h.peek("MPC"),
      queueDrops: qprdc,
      dmaFaults: h.peek("RXDMADC"),
    };
    const good = arrived - r.runt - r.oversize - r.badFcs;
    const sum = Object.values(places).reduce((a, b) => a + b, 0);
    if (sum !== good) {
      throw new Error(
        `accounting: ${this.ledger.frames.length} injected, ${nic.wire.framesOnWire} on the ` +
          `wire, ${r.runt + r.oversize + r.badFcs} rejected; of ${good} good ones ` +
          `${JSON.stringify(places)} add up to ${sum}`,
      );
    }
  }

  /**
   * The end of every run: route and enable every interrupt (batched write-backs flush on
   * messages), finish split transmit posts, then poll, reap and let time pass until the
   * wire, the packet buffers and DMA are empty. Then every frame written was taken by
   * the driver, and every frame posted for sending went out.
   */
  drain(): void {
    const h = this.h;
    const v = this.irq.vectors;
    for (let q = 0; q < this.queues; q++) this.mapQueue(q, true, q % v, true, (q + 1) % v);
    for (let w = 0; w < Math.ceil(v / 32); w++) this.irq.setEnabled(h, w, 0xffff_ffff, true);
    for (let q = 0; q < this.queues; q++) this.tx.flushTail(h, q);
    const round = (repost: boolean) => {
      // Raise every vector: its message flushes the write-backs batched under WTHRESH (the
      // longest moderation interval the commands set is 30 units, 61 us).
      for (let w = 0; w < Math.ceil(v / 32); w++) h.write("EICS", this.irq.validMask(w), w);
      this.advance(100 * TICKS_PER_US);
      this.check();
      for (let q = 0; q < this.queues; q++) {
        this.rx.poll(h, q, repost);
        this.tx.reap(h, q);
      }
      this.check();
    };
    for (let n = 0; n < 1000 && !this.quiet(); n++) round(true);
    if (!this.quiet()) throw new Error("the device never went quiet");
    // Frames that landed after the last round's messages may still be batched.
    round(false);
    for (let q = 0; q < this.queues; q++) {
      this.rx.poll(h, q, false);
      const left = this.rx.framesLeft(h, q);
      if (left !== 0) throw new Error(`rx${q}: ${left} frames written but never reported`);
    }
    this.check();
    this.tx.checkDrained(h);
    for (const name of ["MPC", "RUC", "ROC", "CRCERRS", "RXDMADC", "TXDERR", "BADACC"]) {
      outcome(`${name} > 0`, +(h.peek(name) > 0));
    }
    let qprdc = 0;
    let qrnbc = 0;
    for (let q = 0; q < this.queues; q++) {
      qprdc += h.peek("QPRDC", q);
      qrnbc += h.peek("QRNBC", q);
    }
    outcome("QPRDC > 0", +(qprdc > 0));
    outcome("QRNBC > 0", +(qrnbc > 0));
  }

  private quiet(): boolean {
    const nic = this.h.nic;
    if (nic.wire.framesOnWire + nic.rxBufferedFrames + nic.rxDma.framesInFlight > 0) return false;
    if (nic.wire.fromNic.fifo.count > 0) return false;
    for (let q = 0; q < this.queues; q++) {
      const rx = this.rx.q(q);
      if (rx.status === "draining" || (rx.status === "faulted" && rx.enableReads)) return false;
      const tx = this.tx.q(q);
      if (tx.status === "poisoned") return false;
      if (tx.status === "on" && this.h.peek("TDH", q) !== this.h.peek("TDT", q)) return false;
      if (tx.status === "faulted" && tx.enableReads) return false;
    }
    return true;
  }
}
