import type { ClockDomain } from "../../kernel/clock-domain.js";
import type { Scheduler } from "../../kernel/scheduler.js";
import type { Timer } from "../../kernel/timer.js";
import type { DeviceParams } from "../device-params.js";
import type { DmaEngine } from "../dma/dma-engine.js";
import type { AccessAnomalyKind } from "../regs/access-log.js";
import type { RegisterFile } from "../regs/register-file.js";

/** The ACCERR field recording each kind of ignored access. */
const ACCERR_FIELD: Record<AccessAnomalyKind, string> = {
  unmapped: "UNMAPPED",
  unaligned: "UNALIGNED",
  "ro-write": "RO_WRITE",
  "reserved-write": "RESERVED_WRITE",
};

/**
 * The device-level block: reset (CTRL.RST), DMA master disable and its status, and the
 * recording of ignored register accesses in ACCERR/BADACC.
 *
 * Reset follows the 82599: the driver writes CTRL.RST, the bit reads 1 while the reset
 * runs, and when it completes every register holds its reset value again. The engines
 * registered with `onReset` are reset at that same clock edge.
 */
export class DeviceControl {
  private readonly scheduler: Scheduler;
  private readonly regs: RegisterFile;
  private readonly clock: ClockDomain;
  private readonly params: DeviceParams;
  private readonly resetTimer: Timer;
  private readonly masterTimer: Timer;
  private readonly resetListeners: (() => void)[] = [];
  private readonly controlListeners: (() => void)[] = [];
  private readonly ctrlWord: number;
  private readonly statusWord: number;
  private readonly accerrWord: number;
  private readonly badaccWord: number;
  private readonly ctrlRst: number;
  private readonly ctrlMasterDisable: number;
  private readonly statusInitDone: number;
  private readonly statusMasterEnabled: number;
  private readonly accerrBits: Record<AccessAnomalyKind, number>;
  /** How many device resets have completed. */
  resetsCompleted = 0;

  private readonly dma: DmaEngine;

  constructor(
    scheduler: Scheduler,
    clock: ClockDomain,
    regs: RegisterFile,
    params: DeviceParams,
    dma: DmaEngine,
  ) {
    this.dma = dma;
    this.scheduler = scheduler;
    this.regs = regs;
    this.clock = clock;
    this.params = params;
    this.ctrlWord = regs.wordOf("CTRL");
    this.statusWord = regs.wordOf("STATUS");
    this.accerrWord = regs.wordOf("ACCERR");
    this.badaccWord = regs.wordOf("BADACC");
    const map = regs.map;
    this.ctrlRst = map.fieldMask("CTRL", "RST");
    this.ctrlMasterDisable = map.fieldMask("CTRL", "PCIE_MASTER_DISABLE");
    this.statusInitDone = map.fieldMask("STATUS", "INIT_DONE");
    this.statusMasterEnabled = map.fieldMask("STATUS", "MASTER_ENABLED");
    const bit = (kind: AccessAnomalyKind) => map.fieldMask("ACCERR", ACCERR_FIELD[kind]);
    this.accerrBits = {
      unmapped: bit("unmapped"),
      unaligned: bit("unaligned"),
      "ro-write": bit("ro-write"),
      "reserved-write": bit("reserved-write"),
    };
    this.resetTimer = scheduler.timer("device.reset-done", () => this.completeReset());
    this.masterTimer = scheduler.timer("device.master-status", () => this.updateMasterStatus());
    regs.onWrite("CTRL", (_n, written) => this.ctrlWritten(written));
    regs.setAnomalyListener((kind) => this.recordAnomaly(kind));
  }

  /** True while software has disabled DMA (CTRL.PCIE_MASTER_DISABLE). */
  get masterDisabled(): boolean {
    return (this.regs.words[this.ctrlWord]! & this.ctrlMasterDisable) !== 0;
  }

  /** True while a reset is in progress. */
  get resetting(): boolean {
    return this.resetTimer.pending;
  }

  /** Registers a listener for every CTRL write (engines resume after DMA is re-enabled). */
  onControlWrite(listener: () => void): void {
    this.controlListeners.push(listener);
  }

  /** Registers an engine reset to run when a device reset completes. */
  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  private ctrlWritten(written: number): void {
    if ((written & this.ctrlRst) !== 0 && !this.resetTimer.pending) this.startReset();
    // The master-enable status follows the disable bit on the first clock edge after every
    // DMA transfer in flight has completed (engines start no new ones once it is set).
    const drained = Math.max(this.now(), this.dma.quietAtTicks);
    this.masterTimer.scheduleAt(this.clock.nextEdgeAfter(drained));
    for (const listener of this.controlListeners) listener();
  }

  private startReset(): void {
    this.regs.hwClearBits(this.statusWord, this.statusInitDone);
    const doneAt = this.clock.edgeAtOrAfter(this.now() + this.params.resetDurationTicks);
    this.resetTimer.scheduleAt(doneAt);
  }

  private completeReset(): void {
    this.masterTimer.cancel();
    this.regs.reset();
    for (const listener of this.resetListeners) listener();
    this.resetsCompleted++;
  }

  private updateMasterStatus(): void {
    const disabled = (this.regs.hwRead(this.ctrlWord) & this.ctrlMasterDisable) !== 0;
    if (disabled) this.regs.hwClearBits(this.statusWord, this.statusMasterEnabled);
    else this.regs.hwSetBits(this.statusWord, this.statusMasterEnabled);
  }

  private recordAnomaly(kind: AccessAnomalyKind): void {
    this.regs.hwSetBits(this.accerrWord, this.accerrBits[kind]);
    this.regs.hwCount(this.badaccWord, 1);
  }

  private now(): number {
    return this.scheduler.nowTicks;
  }
}
