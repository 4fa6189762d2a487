import type { InterruptUnit } from "../irq/interrupt-unit.js";
import type { RegisterFile } from "../regs/register-file.js";

/** What faulted, as OCR names it. */
export type FaultKind = "RX_DMA_FAULT" | "TX_DMA_FAULT" | "TX_DESC_ERROR";

/**
 * Records device faults where a driver can read them: the cause bit in OCR, the fault
 * counters, the faulting address and queue, and an interrupt on the IVAR_MISC vector.
 * The engine that faulted stops its own queue; the rest of the device carries on.
 */
export class FaultRecorder {
  private readonly regs: RegisterFile;
  private readonly irq: InterruptUnit;
  private readonly ocrWord: number;
  private readonly dmafcWord: number;
  private readonly txderrWord: number;
  private readonly faddrlWord: number;
  private readonly faddrhWord: number;
  private readonly fqueueWord: number;
  private readonly ivarMiscWord: number;
  /** Faults recorded since construction, by kind. */
  readonly totals: Record<FaultKind, number> = {
    RX_DMA_FAULT: 0,
    TX_DMA_FAULT: 0,
    TX_DESC_ERROR: 0,
  };

  constructor(regs: RegisterFile, irq: InterruptUnit) {
    this.regs = regs;
    this.irq = irq;
    this.ocrWord = regs.wordOf("OCR");
    this.dmafcWord = regs.wordOf("DMAFC");
    this.txderrWord = regs.wordOf("TXDERR");
    this.faddrlWord = regs.wordOf("FADDRL");
    this.faddrhWord = regs.wordOf("FADDRH");
    this.fqueueWord = regs.wordOf("FQUEUE");
    this.ivarMiscWord = regs.wordOf("IVAR_MISC");
  }

  /** A DMA to unmapped host memory (`address`) by queue `queue`. */
  dmaFault(kind: "RX_DMA_FAULT" | "TX_DMA_FAULT", queue: number, address: number): void {
    const map = this.regs.map;
    this.regs.hwWrite(this.faddrlWord, address % 0x1_0000_0000);
    this.regs.hwWrite(this.faddrhWord, Math.floor(address / 0x1_0000_0000));
    const tx = kind === "TX_DMA_FAULT" ? map.fieldMask("FQUEUE", "TX") : 0;
    this.regs.hwWrite(this.fqueueWord, tx | queue);
    this.regs.hwCount(this.dmafcWord, 1);
    this.raise(kind);
  }

  /** A transmit descriptor the device refused. */
  descriptorError(): void {
    this.regs.hwCount(this.txderrWord, 1);
    this.raise("TX_DESC_ERROR");
  }

  private raise(kind: FaultKind): void {
    const map = this.regs.map;
    this.totals[kind]++;
    this.regs.hwSetBits(this.ocrWord, map.fieldMask("OCR", kind));
    const ivar = this.regs.words[this.ivarMiscWord]!;
    if (map.fieldValue("IVAR_MISC", "VALID", ivar) === 1) {
      this.irq.raise(map.fieldValue("IVAR_MISC", "VECTOR", ivar));
    }
  }
}
