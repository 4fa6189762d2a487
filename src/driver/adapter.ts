import { match } from "ts-pattern";
import type { MmioPort } from "../bus/mmio-port.js";
import type { HostServices, InterruptRoutine } from "../host/host-services.js";
import { ParsedFrame } from "../hw/parse/parsed-frame.js";
import type { Scheduler } from "../kernel/scheduler.js";
import {
  type AdapterConfig,
  type AdapterOptions,
  configurationProblem,
  resolveConfig,
} from "./adapter-config.js";
import { type BringUpError, bringUp, type DeviceIdentity } from "./bring-up.js";
import type { DpcCounters } from "./dpc.js";
import { type FaultRecord, takeFault } from "./faults.js";
import { FilterTable } from "./filters.js";
import { InterruptVectors, NO_VECTOR } from "./interrupts.js";
import { DEVICE_POLL, pollUntil } from "./poll.js";
import { type QueueInfo, QueueManager } from "./queue-manager.js";
import type { ReceivedFrame } from "./received-frame.js";
import type { DriverRegisters } from "./registers.js";
import { RequestHandlers } from "./request-handlers.js";
import {
  type Capabilities,
  type DriverRequest,
  fail,
  type RequestOutcome,
  succeed,
} from "./requests.js";
import { DEFAULT_RSS_KEY, RssProgram } from "./rss.js";
import { PreparedSend, prepareSend, type SendRequest, type SendStatus } from "./send-request.js";
import { type Statistics, StatisticsCollector } from "./statistics.js";

/** The largest frame the driver lets the device accept, FCS included: 1518 plus a VLAN tag. */
const MAX_TAGGED_FRAME_BYTES = 1522;
/** A halt waits for its queues whatever happens meanwhile. */
const always = () => true;

/** Where received frames go: one call per queue per DPC run (the frames are lent). */
export type ReceiveHandler = (queue: number, frames: readonly ReceivedFrame[]) => void;
/** Where send completions go: one call per queue per DPC run, in acceptance order. */
export type SendCompleteHandler = (queue: number, statuses: readonly SendStatus[]) => void;

export type AdapterState = "created" | "initializing" | "running" | "halting" | "halted" | "failed";

export type InitializeError =
  | BringUpError
  | { readonly kind: "bad-configuration"; readonly message: string }
  | { readonly kind: "no-free-vector"; readonly processor: number; readonly message: string };

export type InitializeResult =
  | { readonly ok: true; readonly capabilities: Capabilities }
  | { readonly ok: false; readonly error: InitializeError };

/** Everything the adapter holds once the device is up. */
interface Live {
  readonly regs: DriverRegisters;
  readonly vectors: InterruptVectors;
  readonly rss: RssProgram;
  readonly queues: QueueManager;
  readonly handlers: RequestHandlers;
  readonly stats: StatisticsCollector;
}

/**
 * A miniport-style driver for one nicsim NIC, shaped like an NDIS miniport adapter:
 * `initialize` (MiniportInitializeEx), `halt` (MiniportHaltEx), `send`
 * (MiniportSendNetBufferLists), `request` (OID requests), and upward indications through
 * `onReceive` and `onSendComplete`.
 *
 * It reaches the device only through its BAR (`mmio`), host memory it allocates, and the
 * MSI-X interrupts the host delivers to the routines it connects: nothing of the NIC
 * model's insides. Register offsets and bit positions come from the register map and the
 * descriptor formats.
 *
 * Transmit back-pressure: `send` takes a prefix of the frames it is given, as many as the
 * queue's ring and copy area can hold now, and returns how many. The rest stay the
 * caller's; `onSendComplete` for that queue is the signal that room was made. (A real
 * NDIS miniport must accept every send and queue the excess itself; returning the count
 * keeps that queue, and the memory it could grow to, visible in the layer above.)
 */
export class Adapter {
  /** Received frames, per queue and DPC run. */
  onReceive: ReceiveHandler = () => {};
  /** Send completions, per queue and DPC run. */
  onSendComplete: SendCompleteHandler = () => {};
  private readonly mmio: MmioPort;
  private readonly host: HostServices;
  private readonly scheduler: Scheduler;
  private readonly config: AdapterConfig;
  private currentState: AdapterState = "created";
  private live: Live | null = null;
  private readonly counters: DpcCounters = {
    dpcRuns: 0,
    idleDpcRuns: 0,
    budgetExhausted: 0,
    framesIndicated: 0,
    sendsCompleted: 0,
    handovers: 0,
  };
  private faultInterrupts = 0;
  private sendsAccepted = 0;
  private sendsRefused = 0;
  private fault: FaultRecord | null = null;
  private readonly parsed = new ParsedFrame();
  private readonly prepared = new PreparedSend();

  constructor(options: AdapterOptions) {
    this.mmio = options.mmio;
    this.host = options.host;
    this.scheduler = options.scheduler;
    this.config = resolveConfig(options);
  }

  get state(): AdapterState {
    return this.currentState;
  }

  /** The last fault the device reported (DMA faults, refused descriptors), or null. */
  get lastFault(): FaultRecord | null {
    return this.fault;
  }

  /**
   * Brings the device up: identify and reset it, program the base configuration and the
   * interrupt vectors, start the RSS queues (queue 0 first) with their rings full of
   * buffers, and enable interrupts. Settles in simulated time: run the scheduler.
   */
  initialize(): Promise<InitializeResult> {
    if (this.currentState !== "created") {
      const message = `initialize: the adapter is ${this.currentState}`;
      return Promise.resolve({ ok: false, error: { kind: "bad-configuration", message } });
    }
    this.currentState = "initializing";
    return new Promise((resolve) => {
      bringUp(this.mmio, this.scheduler, (result) => {
        const outcome = result.ok ? this.configure(result.device) : result;
        this.currentState = outcome.ok ? "running" : "failed";
        resolve(outcome);
      });
    });
  }

  /**
   * Stops everything and gives the memory back: receive stops at once; sends in flight
   * finish (the rest complete as aborted); interrupts are masked; DMA is disabled and
   * the rings and buffers freed. Settles in simulated time.
   *
   * Memory the device may still write is never freed: if it does not report the queues
   * stopped, their rings and buffers are freed only once DMA mastering is off, and kept
   * (leaked) if that never happens either.
   */
  halt(): Promise<void> {
    const live = this.live;
    if (this.currentState !== "running" || live === null) return Promise.resolve();
    this.currentState = "halting";
    const queues = live.queues.all();
    for (const q of queues) live.queues.beginClose(q);
    const releaseAll = () => {
      for (const q of queues) live.queues.release(q);
    };
    return new Promise((resolve) => {
      live.queues.stopQueues(queues, "halt", always, (outcome) => {
        this.currentState = "halted";
        live.vectors.disableAll();
        const stopped = outcome === "stopped";
        if (stopped) releaseAll();
        live.regs.setField("CTRL", "PCIE_MASTER_DISABLE", 1);
        const idle = () => live.regs.readField("STATUS", "MASTER_ENABLED") === 0;
        pollUntil(this.scheduler, "halt.master", idle, DEVICE_POLL, (masterIdle) => {
          if (!stopped && masterIdle) releaseAll();
          resolve();
        });
      });
    });
  }

  /**
   * Sends `frames` on queue `queue`'s transmit ring; returns how many were accepted (a
   * prefix: see the class comment). Bytes are copied before this returns. Frames the
   * driver cannot map to descriptors are accepted and complete as `invalid` in their turn.
   * Throws if `queue` is not a queue in use.
   */
  send(queue: number, frames: readonly SendRequest[]): number {
    const live = this.live;
    if (this.currentState !== "running" || live === null) return 0;
    const q = live.queues.get(queue);
    if (q === undefined) throw new RangeError(`send: queue ${queue} is not in use`);
    if (q.closing) return 0;
    const costs = this.host.costs;
    const prepared = this.prepared;
    let accepted = 0;
    let invalid = false;
    for (const request of frames) {
      prepareSend(request, this.parsed, prepared);
      if (prepared.invalid === null && prepared.length > q.tx.arena.largestRun) {
        prepared.invalid = "too-large";
      }
      if (prepared.invalid !== null) {
        if (!q.tx.postInvalid()) break;
        invalid = true;
      } else {
        if (!q.tx.post(prepared, request.bytes)) break;
        this.host.charge("tx", costs.txFrameCycles);
        this.host.charge("copy", costs.copyByteCycles * prepared.length);
      }
      accepted++;
    }
    q.tx.commit();
    // A refused send never reaches the device, so no interrupt would report it: wake the
    // owner DPC, which completes this queue's sends, in order.
    if (invalid) live.queues.wake(q);
    this.sendsAccepted += accepted;
    this.sendsRefused += frames.length - accepted;
    return accepted;
  }

  /** Handles an OID-style request; settles in simulated time (some requests pend). */
  request<R extends DriverRequest>(req: R): Promise<RequestOutcome<R["kind"]>> {
    const live = this.live;
    if (this.currentState !== "running" || live === null) {
      const message = `the adapter is ${this.currentState}`;
      return Promise.resolve(fail({ kind: "not-running", message }));
    }
    const h = live.handlers;
    const outcome = match<DriverRequest>(req)
      .with({ kind: "query-capabilities" }, () => succeed(h.capabilities()))
      .with({ kind: "allocate-queue" }, (r) => h.allocateQueue(r))
      .with({ kind: "free-queue" }, (r) => h.freeQueue(r))
      .with({ kind: "set-filter" }, (r) => h.setFilter(r))
      .with({ kind: "set-queue-processor" }, (r) => h.setQueueProcessor(r))
      .with({ kind: "set-rss" }, (r) => h.setRss(r))
      .with({ kind: "set-moderation" }, (r) => h.setModeration(r))
      .with({ kind: "query-statistics" }, () => succeed(this.statistics(live)))
      .exhaustive();
    // Each branch answers its own kind; the union of branches is narrowed back to R's.
    return Promise.resolve(outcome) as Promise<RequestOutcome<R["kind"]>>;
  }

  /**
   * query-statistics answered at once, for a caller running in the host's own context (a
   * virtual switch's timer): reads every counter once. Null unless the adapter runs.
   */
  statisticsNow(): Statistics | null {
    const live = this.live;
    if (this.currentState !== "running" || live === null) return null;
    return this.statistics(live);
  }

  /** Queue `queue`'s state, or undefined when it is not in use. */
  queueInfo(queue: number): QueueInfo | undefined {
    const q = this.live?.queues.get(queue);
    return q === undefined ? undefined : this.live?.queues.info(q);
  }

  /** Queues in use, lowest first. */
  activeQueues(): number[] {
    return (this.live?.queues.all() ?? []).map((q) => q.index);
  }

  /** Programs a freshly reset device; the result of `initialize`. */
  private configure(device: DeviceIdentity): InitializeResult {
    const problem = configurationProblem(this.config, device.queues, this.host.processorCount);
    if (problem !== null) {
      return { ok: false, error: { kind: "bad-configuration", message: problem } };
    }
    const live = this.assemble(device);
    this.live = live;
    const regs = device.regs;
    // Receive filters on; unclaimed frames to queue 0 until RSS is set; checksums checked.
    regs.writeFields("VMQCTL", { VMQ_EN: 1, DEFAULT_QUEUE: 0 });
    regs.writeFields("RXCSUM", { IPOFLD: 1, TUOFLD: 1 });
    // Room for an 802.1Q tag on a full-size frame (1518 + 4 with FCS), as ixgbe programs
    // (MAXIMUM_ETHERNET_VLAN_SIZE): a VM on a VLAN gets full-size frames too.
    regs.writeFields("MAXFRS", { MFS: MAX_TAGGED_FRAME_BYTES });
    live.rss.writeKey(DEFAULT_RSS_KEY);
    live.rss.writeTable([0]);
    live.rss.writeHashTypes(0);
    live.vectors.setupMisc(live.handlers.rssProcessor(0), this.miscIsr);
    for (let i = 0; i < this.config.rssQueues; i++) {
      const processor = live.handlers.rssProcessor(i);
      if (live.queues.ensureProcessor(processor) === NO_VECTOR) {
        const message = `no MSI-X vector left for processor ${processor}`;
        return { ok: false, error: { kind: "no-free-vector", processor, message } };
      }
      live.queues.start(i, i === 0 ? "default" : "rss", processor);
    }
    return { ok: true, capabilities: live.handlers.capabilities() };
  }

  /** The driver's parts for `device`, wired together. */
  private assemble(device: DeviceIdentity): Live {
    const regs = device.regs;
    const vectors = new InterruptVectors(regs, this.host, this.config.moderationUs);
    const filters = new FilterTable(regs);
    const stats = new StatisticsCollector(regs);
    const rss = new RssProgram(regs);
    const queues = new QueueManager({
      regs,
      host: this.host,
      scheduler: this.scheduler,
      config: this.config,
      vectors,
      filters,
      stats,
      queueCount: device.queues,
      counters: this.counters,
      active: () => this.currentState === "running" || this.currentState === "halting",
      running: () => this.currentState === "running",
      indicateReceive: (queue, frames) => this.onReceive(queue, frames),
      indicateSendComplete: (queue, statuses) => this.onSendComplete(queue, statuses),
    });
    const handlers = new RequestHandlers({
      regs,
      host: this.host,
      config: this.config,
      queues,
      vectors,
      filters,
      rss,
      deviceQueues: device.queues,
      deviceVectors: device.vectors,
    });
    return { regs, vectors, rss, queues, handlers, stats };
  }

  /** The other-causes ISR: records the fault (the queue it stopped stays stopped). */
  private readonly miscIsr: InterruptRoutine = () => {
    const live = this.live;
    if (live === null) return;
    this.faultInterrupts++;
    this.fault = takeFault(live.regs, this.host.nowTicks()) ?? this.fault;
  };

  /** query-statistics: reads every counter once and reports the running totals. */
  private statistics(live: Live): Statistics {
    const vectorList = live.vectors.queueVectors();
    live.stats.collect(vectorList);
    const queues = live.queues.all().flatMap((q) => {
      const totals = live.stats.queueTotals(q.index);
      if (totals === undefined) return [];
      const vector = live.queues.vectorOf(q);
      return [{ queue: q.index, processor: q.owner, vector, ...totals, cycles: q.cycles }];
    });
    return {
      device: live.stats.deviceTotals(),
      queues,
      freedQueues: live.stats.retiredTotals(),
      vectors: vectorList.map((vector) => ({
        vector,
        processor: live.vectors.processorOfVector(vector),
        messages: live.stats.vectorMessages(vector),
      })),
      driver: {
        ...this.counters,
        interrupts: live.queues.interrupts,
        faultInterrupts: this.faultInterrupts,
        sendsAccepted: this.sendsAccepted,
        sendsRefused: this.sendsRefused,
      },
    };
  }
}
