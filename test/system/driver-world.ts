import { expect } from "vitest";
import { HostMemory } from "../../src/bus/host-memory.js";
import { Adapter } from "../../src/driver/adapter.js";
import type { ReceivedFrame } from "../../src/driver/received-frame.js";
import type { DriverErrorKind, DriverRequest, RequestOutcome } from "../../src/driver/requests.js";
import type { SendRequest, SendStatus } from "../../src/driver/send-request.js";
import { Host } from "../../src/host/host.js";
import { Nic } from "../../src/hw/nic.js";
import { Scheduler } from "../../src/kernel/scheduler.js";
import { runUntilSettled } from "../../src/kernel/settle.js";
import { TICKS_PER_MS, TICKS_PER_US, type Ticks } from "../../src/kernel/ticks.js";
import { MS_VERIFICATION_KEY } from "../rss/vectors.js";
import { outcome as countOutcome } from "../support/model-test.js";
import { type FilterModel, type RssModel, type Steering, steer } from "./rss-model.js";
import {
  buildRxFrame,
  buildSend,
  bytesEqual,
  checksumFields,
  flowKey,
  ipv4ChecksumOk,
  l4ChecksumOk,
  type RxFrameSpec,
  rxUidOf,
  segmentsOf,
  TCP_HEADERS,
  type TxSendSpec,
  tcpSeqOf,
  txUidOf,
  VM_MACS,
} from "./system-frames.js";

/**
 * The world of the driver model test: a NIC, the real host with its processors, and the
 * driver, driven by commands (driver-commands.ts), next to a plain model of what must
 * happen: which queue each frame is steered to, which processor owns each queue, which
 * vector serves each processor, which sends are outstanding.
 *
 * Callbacks (upper edge, wire, ISR dispatch) compare what happens with the model as it
 * happens and record violations; `check` (after every command) asserts there were none and
 * compares the driver's and the device's state with the model; `drain` runs until nothing
 * is pending and checks that nothing leaked.
 */

/** The RSS key the world programs (the published verification key: any 40 bytes would do). */
const TEST_RSS_KEY = MS_VERIFICATION_KEY;

/** The most queues a run's NIC has (its filter slots are as many as its queues). */
export const MAX_QUEUES = 8;
const EITR_UNIT_US = 2.048;
const EITR_MAX_UNITS = 511;
const MAX_VIOLATIONS = 20;
/** Receive drop counters of the MAC (before steering), each frame counted in one at most. */
const MAC_DROPS = ["RUC", "ROC", "CRCERRS", "MPC"] as const;
type MacDrop = (typeof MAC_DROPS)[number];

/** The adapter's and the run's knobs, drawn per run. */
export interface WorldConfig {
  /** The NIC's queues (and receive filters). */
  readonly queues: number;
  /** The NIC's MSI-X vectors: the driver keeps the last for faults, one per processor. */
  readonly vectors: number;
  readonly processors: number;
  readonly rssQueues: number;
  readonly rssBaseProcessor: number;
  readonly rxRingSize: number;
  /** Receive buffer bytes: with 1 KiB, long frames take two descriptors. */
  readonly rxBufferBytes: number;
  readonly txRingSize: number;
  readonly rxBudget: number;
  readonly moderationUs: number;
  readonly txArenaBytes: number;
}

/** A queue in use, as the model sees it. */
interface QueueModel {
  readonly index: number;
  readonly role: "default" | "rss" | "vmq";
  /** The processor whose DPC consumes the queue. */
  owner: number;
  /** While a move is being settled: where to. */
  target: number | null;
  filter: number;
  /** Accepted sends not yet completed, oldest first. */
  readonly sends: SendRecord[];
  /** Sends accepted so far (the per-queue flow's sequence numbers). */
  sent: number;
}

interface SendRecord {
  readonly uid: number;
  readonly queue: number;
  readonly spec: TxSendSpec;
  readonly bytes: Uint8Array;
  readonly expected: SendStatus;
  readonly segments: number;
  status: SendStatus | null;
  /** Segments seen on the wire, and the TCP payload offset the next one must start at. */
  seen: number;
  nextOffset: number;
}

interface RxRecord {
  readonly spec: RxFrameSpec;
  readonly bytes: Uint8Array;
  readonly flow: number;
  readonly seq: number;
  /** On the wire until it reaches the MAC; then steered (or dropped and forgotten). */
  steering: Steering | null;
}

/** What one adapter instance (between two resets) has set up, as the model predicts it. */
interface Epoch {
  readonly n: number;
  readonly adapter: Adapter;
  readonly queues: Map<number, QueueModel>;
  readonly filters: (FilterModel | null)[];
  readonly vectorOf: Map<number, number>;
  readonly processorOfVector: Map<number, number>;
  /** EITR.INTERVAL units each vector in use holds. */
  readonly eitr: Map<number, number>;
  readonly rss: RssModel & { base: number };
  readonly miscProcessor: number;
}

/** What a request is expected to do: fail with this error kind, or succeed. */
type Expectation = DriverErrorKind | "ok";

/** Pairs of requests issued at the same tick (see `DriverWorld.overlap`). */
export type OverlapKind =
  | "move-move-same"
  | "move-move-other"
  | "move-free"
  | "free-move"
  | "move-reset"
  | "free-reset"
  | "move-rss";

/** A set-rss request: RSS queue ordinals in `indirection` stand for their processors. */
export interface RssRequest {
  readonly hashTypes: number | undefined;
  readonly key: readonly number[] | undefined;
  readonly indirection: readonly number[] | undefined;
  readonly base: number | undefined;
}

/** A move requested and not yet checked. */
interface Move {
  readonly q: QueueModel;
  readonly processor: number;
  readonly previous: number;
  readonly vector: number;
  readonly expectation: Expectation;
  readonly pending: Promise<RequestOutcome<"set-queue-processor">>;
}

export class DriverWorld {
  readonly scheduler = new Scheduler();
  readonly memory = new HostMemory();
  readonly nic: Nic;
  readonly host: Host;
  readonly config: WorldConfig;
  epoch!: Epoch;
  private epochs = 0;
  private readonly violations: string[] = [];
  // Receive accounting.
  private nextUid = 1;
  private readonly rx = new Map<number, RxRecord>();
  private readonly flowSeq = new Map<number, number>();
  /** Last sequence number indicated per flow and queue. */
  private readonly lastSeq = new Map<string, number>();
  injected = 0;
  /** Frames injected that have not reached the MAC yet. */
  private onWire = 0;
  private macDropped = 0;
  private readonly macPrev = new Map<MacDrop, number>();
  private readonly steeredTo = new Array<number>(MAX_QUEUES).fill(0);
  private readonly delivered = new Array<number>(MAX_QUEUES).fill(0);
  private readonly queueDrops = new Array<number>(MAX_QUEUES).fill(0);
  private readonly queueDropsPrev = new Array<number>(MAX_QUEUES).fill(0);
  private readonly forgotten = new Array<number>(MAX_QUEUES).fill(0);
  /** QPRDC drops whose frames the last reset forgot along with the undelivered ones. */
  private readonly dropsBeforeReset = new Array<number>(MAX_QUEUES).fill(0);
  // Transmit accounting.
  private readonly sends = new Map<number, SendRecord>();
  private readonly lastWireUid = new Array<number>(MAX_QUEUES).fill(0);
  sendsAccepted = 0;
  sendsCompleted = 0;
  segmentsOnWire = 0;
  /** Indications (queue, processor, tick) of queues with a move in progress. */
  private readonly duringMove: { queue: number; processor: number; atTicks: Ticks }[] = [];
  /** Bytes of host memory one queue's rings, buffers and copy area take. */
  private readonly queueBytes: number;

  constructor(config: WorldConfig) {
    this.config = config;
    this.nic = new Nic(this.scheduler, this.memory, {
      queues: config.queues,
      vectors: config.vectors,
    });
    this.host = new Host(this.scheduler, this.memory, { processors: config.processors });
    this.host.attach(this.nic);
    // The driver reads (and so clears) a queue's drop counter when it starts the queue and
    // when it frees it (its last totals): count what the counter held just before.
    this.nic.regs.onRead("QPRDC", (q) => this.takeDropsBeforeRead(q));
    const pages = (bytes: number) => Math.ceil(bytes / 4096) * 4096;
    this.queueBytes =
      pages(config.rxRingSize * 16) +
      pages(config.rxRingSize * config.rxBufferBytes) +
      pages(config.txRingSize * 16) +
      pages(config.txArenaBytes);
    this.nic.wire.tap((direction, frame) => {
      if (direction === "rx") this.arrived(frame);
    });
    this.nic.wire.onTransmit((frame) => this.transmitted(frame));
    for (let p = 0; p < config.processors; p++) {
      this.host.processor(p).onWork((r) => {
        if (r.priority === "isr") this.isrRan(r.vector, r.processor);
      });
    }
  }

  get now(): Ticks {
    return this.scheduler.nowTicks;
  }

  run(ticks: Ticks): void {
    this.scheduler.runUntil(this.scheduler.nowTicks + ticks);
  }

  private violation(message: string): void {
    if (this.violations.length < MAX_VIOLATIONS) {
      this.violations.push(`${message} (at ${this.now} ps)`);
    }
  }

  /** Runs simulated time until `promise` settles; returns its value. */
  settle<T>(promise: Promise<T>, stepTicks: Ticks = 2 * TICKS_PER_US): Promise<T> {
    return runUntilSettled(promise, () => this.run(stepTicks), { what: "a driver request" });
  }

  // --- Bring-up and reset -------------------------------------------------------------

  /** Builds and initializes an adapter, and the model of what it sets up. */
  async start(): Promise<void> {
    const c = this.config;
    const adapter = new Adapter({
      mmio: this.nic.mmio,
      host: this.host,
      scheduler: this.scheduler,
      rxRingSize: c.rxRingSize,
      rxBufferBytes: c.rxBufferBytes,
      txRingSize: c.txRingSize,
      rxBudget: c.rxBudget,
      moderationUs: c.moderationUs,
      rssQueues: c.rssQueues,
      rssBaseProcessor: c.rssBaseProcessor,
      txArenaBytes: c.txArenaBytes,
    });
    const n = ++this.epochs;
    adapter.onReceive = (queue, frames) => this.received(n, queue, frames);
    adapter.onSendComplete = (queue, statuses) => this.completed(n, queue, statuses);
    const epoch: Epoch = {
      n,
      adapter,
      queues: new Map(),
      filters: new Array<FilterModel | null>(c.queues).fill(null),
      vectorOf: new Map(),
      processorOfVector: new Map(),
      eitr: new Map([[c.vectors - 1, 0]]),
      rss: {
        hashTypes: 0,
        // start() programs it through set-rss as soon as the adapter is up.
        key: TEST_RSS_KEY,
        reta: new Array<number>(128).fill(0),
        base: c.rssBaseProcessor,
      },
      miscProcessor: c.rssBaseProcessor,
    };
    this.epoch = epoch;
    for (let i = 0; i < c.rssQueues; i++) {
      const owner = (c.rssBaseProcessor + i) % c.processors;
      this.vectorFor(owner);
      epoch.queues.set(i, queueModel(i, i === 0 ? "default" : "rss", owner));
    }
    const result = await this.settle(adapter.initialize());
    if (!result.ok) throw new Error(`initialize failed: ${result.error.message}`);
    // The device reset zeroed every counter.
    this.rebaseCounters();
    // RSS hashes with the test's own key, set the way a protocol sets one: the model never
    // takes its expectation from the driver's default.
    const rss = this.startRss({
      hashTypes: undefined,
      key: [...TEST_RSS_KEY],
      indirection: undefined,
      base: undefined,
    });
    await rss.finish(await this.settle(rss.pending));
  }

  /**
   * Halts the adapter with whatever is in flight, lets the device go quiet, forgets the
   * frames it never indicated (they died with the halt), checks that every send completed
   * and reached the wire and that every byte of host memory came back, and brings a new
   * adapter up on the same device.
   */
  async reset(): Promise<void> {
    const e = this.epoch;
    const halted = e.adapter.halt();
    // The halt removes every filter at once (frames take the default path from then on)
    // and cancels the moves in progress.
    e.filters.fill(null);
    for (const q of e.queues.values()) {
      q.filter = -1;
      q.target = null;
    }
    await this.settle(halted);
    expect(e.adapter.state).toBe("halted");
    const outstanding = [...e.queues.values()].reduce((n, q) => n + q.sends.length, 0);
    expect(outstanding, "sends not completed by the halt").toBe(0);
    this.runUntil(() => this.deviceQuiet(), "the device never went quiet after a halt");
    this.sampleDrops();
    for (let q = 0; q < this.config.queues; q++) {
      const pending = this.pendingOn(q);
      if (pending > 0) countOutcome("frames forgotten at a reset");
      this.forgotten[q]! += pending;
      this.dropsBeforeReset[q] = this.queueDrops[q]!;
    }
    for (const [uid, r] of this.rx) if (r.steering !== null) this.rx.delete(uid);
    this.expectNoViolation();
    this.expectSendsOnWire();
    expect(this.memory.mappedBytes, "host memory left allocated after halt").toBe(0);
    await this.start();
  }

  // --- Traffic ------------------------------------------------------------------------

  /** The peer sends these frames (they queue at line rate). */
  inject(specs: readonly RxFrameSpec[]): void {
    for (const spec of specs) {
      const uid = this.nextUid++;
      const flow = flowKey(spec);
      const seq = (this.flowSeq.get(flow) ?? 0) + 1;
      const bytes = buildRxFrame(spec, uid, seq);
      if (!this.nic.wire.inject(bytes, 0, bytes.length, spec.breakage === "fcs")) {
        countOutcome("peer queue full");
        continue;
      }
      this.flowSeq.set(flow, seq);
      this.rx.set(uid, { spec, bytes, flow, seq, steering: null });
      this.injected++;
      this.onWire++;
    }
  }

  /** Sends `specs` on the active queue chosen by `choice`; the model keeps what was taken. */
  send(choice: number, specs: readonly TxSendSpec[]): void {
    const q = this.pickQueue(choice);
    const records = specs.map((spec) => {
      const uid = this.nextUid++;
      const bytes = buildSend(spec, uid, q.index, q.sent + 1);
      return { uid, spec, bytes };
    });
    const requests: SendRequest[] = records.map(({ spec, bytes }) => ({
      bytes,
      ...offloadOf(spec),
    }));
    const idle = q.sends.length === 0;
    const accepted = this.epoch.adapter.send(q.index, requests);
    expect(accepted).toBeGreaterThanOrEqual(idle && specs.length > 0 ? 1 : 0);
    expect(accepted).toBeLessThanOrEqual(specs.length);
    if (accepted < specs.length) countOutcome("send back-pressure");
    for (const { uid, spec, bytes } of records.slice(0, accepted)) {
      const expected: SendStatus = spec.kind === "invalid" ? "invalid" : "sent";
      const record: SendRecord = {
        uid,
        queue: q.index,
        spec,
        bytes,
        expected,
        segments: expected === "sent" ? segmentsOf(spec, bytes) : 0,
        status: null,
        seen: 0,
        nextOffset: 0,
      };
      q.sends.push(record);
      q.sent++;
      this.sends.set(uid, record);
      this.sendsAccepted++;
    }
  }

  // --- Requests -----------------------------------------------------------------------

  /** allocate-queue for VM MAC `mac` (VLAN `vlan`) on `processor`. */
  async allocate(mac: number, vlan: number | undefined, processor: number, badMac: boolean) {
    const e = this.epoch;
    const address = badMac ? [0x03, 0, 0, 0, 0, 1] : [...VM_MACS[mac]!];
    const index = this.freeQueueIndex();
    const slot = e.filters.indexOf(null);
    const expectation: Expectation = badMac
      ? "bad-mac"
      : (this.vlanError(vlan) ??
        (this.filterConflict(mac, vlan, -1) >= 0
          ? "filter-in-use"
          : !this.processorValid(processor)
            ? "processor-out-of-range"
            : slot < 0
              ? "no-free-filter"
              : index < 0
                ? "no-free-queue"
                : this.vectorFor(processor) < 0
                  ? "no-free-vector"
                  : "ok"));
    // The new queue's counters are read (cleared) as it starts: take what they hold first.
    this.sampleDrops();
    const request: DriverRequest = {
      kind: "allocate-queue",
      mac: address,
      processor,
      ...(vlan === undefined ? {} : { vlan }),
    };
    const pending = e.adapter.request(request);
    this.rebaseCounters();
    let vector = -1;
    if (expectation === "ok") {
      vector = this.vectorFor(processor);
      const q = queueModel(index, "vmq", processor);
      q.filter = slot;
      e.queues.set(index, q);
      e.filters[slot] = { mac, vlan, queue: index };
    }
    const outcome = await this.settle(pending);
    this.expectOutcome("allocate-queue", outcome, expectation);
    if (outcome.ok) {
      expect(outcome.value).toEqual({ queue: index, processor, vector, filter: slot });
    }
  }

  /**
   * free-queue of the queue `choice` picks among the VMQ queues (or among every queue in
   * use, when `anyQueue` or there is no VMQ queue: the default and RSS queues refuse).
   */
  async free(choice: number, anyQueue: boolean): Promise<void> {
    const e = this.epoch;
    const q = (anyQueue ? undefined : this.pickVmq(choice)) ?? this.pickQueue(choice);
    const expectation: Expectation =
      q.index === 0
        ? "default-queue-cannot-be-freed"
        : q.role === "rss"
          ? "rss-queue-cannot-be-freed"
          : "ok";
    const pending = e.adapter.request({ kind: "free-queue", queue: q.index });
    if (expectation === "ok") this.removeFilter(q);
    const outcome = await this.settle(pending);
    this.expectOutcome("free-queue", outcome, expectation);
    if (outcome.ok) {
      expect(q.sends, "sends left on a freed queue").toEqual([]);
      e.queues.delete(q.index);
      expect(e.adapter.queueInfo(q.index)).toBeUndefined();
    }
  }

  /** set-filter: the active queue chosen by `choice` is steered to by `mac` (and `vlan`). */
  async setFilter(choice: number, mac: number, vlan: number | undefined): Promise<void> {
    const e = this.epoch;
    const q = this.pickQueue(choice);
    const slot = q.filter >= 0 ? q.filter : e.filters.indexOf(null);
    const expectation: Expectation =
      this.vlanError(vlan) ??
      (this.filterConflict(mac, vlan, q.index) >= 0
        ? "filter-in-use"
        : slot < 0
          ? "no-free-filter"
          : "ok");
    const request: DriverRequest = {
      kind: "set-filter",
      queue: q.index,
      mac: [...VM_MACS[mac]!],
      ...(vlan === undefined ? {} : { vlan }),
    };
    const pending = e.adapter.request(request);
    if (expectation === "ok") {
      e.filters[slot] = { mac, vlan, queue: q.index };
      q.filter = slot;
    }
    const outcome = await this.settle(pending);
    this.expectOutcome("set-filter", outcome, expectation);
    if (outcome.ok) expect(outcome.value).toEqual({ queue: q.index, filter: slot });
  }

  /**
   * set-queue-processor while traffic flows: the burst is injected first, so frames are
   * on the wire and in the rings while the owner DPC hands the queue over.
   */
  async retarget(
    choice: number,
    processor: number,
    burst: readonly RxFrameSpec[],
    delayTicks: Ticks,
  ): Promise<void> {
    const q = this.pickQueue(choice);
    this.inject(burst);
    this.run(delayTicks);
    const move = this.startMove(q, processor);
    await this.finishMove(move, await this.settle(move.pending, TICKS_PER_US));
    this.finishMoves();
  }

  /**
   * Two requests at the same tick, the second while the first is pending (traffic flowing
   * meanwhile): the driver must refuse what it cannot do at once (queue-busy), cancel what
   * a halt overtakes (not-running), and carry out the rest.
   */
  async overlap(
    kind: OverlapKind,
    choice: number,
    other: number,
    pick: number,
    burst: readonly RxFrameSpec[],
    delayTicks: Ticks,
  ): Promise<void> {
    const e = this.epoch;
    this.inject(burst);
    this.run(delayTicks);
    const n = this.config.processors;
    const anyQueue = kind === "move-move-other" || kind === "move-reset" || kind === "move-rss";
    if (!anyQueue && this.pickVmq(choice) === undefined) {
      // These need a VMQ queue: allocate one (on a MAC no filter names) if there is none.
      const mac = VM_MACS.findIndex((_, m) => this.filterConflict(m, undefined, -1) < 0);
      if (mac >= 0) await this.allocate(mac, undefined, pick % n, false);
    }
    const q = anyQueue ? this.pickQueue(choice) : this.pickVmq(choice);
    if (q === undefined) return;
    // A processor other than the owner, so that the move really pends.
    const away = (x: QueueModel, k: number) => (x.owner + 1 + (k % (n - 1))) % n;
    countOutcome(`overlap ${kind}`);
    if (kind === "move-move-same") {
      const first = this.startMove(q, away(q, pick));
      const second = this.startMove(q, away(q, pick + 1), "queue-busy");
      const [a, b] = await this.settle(Promise.all([first.pending, second.pending]), TICKS_PER_US);
      await this.finishMove(first, a);
      await this.finishMove(second, b);
    } else if (kind === "move-move-other") {
      const r = this.pickQueue(other);
      const first = this.startMove(q, away(q, pick));
      const second = this.startMove(r, away(r, pick + 1), r === q ? "queue-busy" : "ok");
      const [a, b] = await this.settle(Promise.all([first.pending, second.pending]), TICKS_PER_US);
      await this.finishMove(first, a);
      await this.finishMove(second, b);
    } else if (kind === "move-rss") {
      // An RSS queue moves, and set-rss asks for a base processor meanwhile: refused if it
      // would move that queue again (queue-busy), carried out otherwise.
      const rq = this.pickQueue(choice % this.config.rssQueues);
      const move = this.startMove(rq, away(rq, pick));
      const rss = this.startRss({
        hashTypes: undefined,
        key: undefined,
        indirection: [other % this.config.rssQueues],
        base: other % n,
      });
      const [a, b] = await this.settle(Promise.all([move.pending, rss.pending]), TICKS_PER_US);
      await this.finishMove(move, a);
      await rss.finish(b);
    } else if (kind === "move-free") {
      const move = this.startMove(q, away(q, pick));
      // A move in progress keeps the queue (one that failed at once, for want of a vector,
      // does not).
      const moving = move.expectation === "ok";
      const free = e.adapter.request({ kind: "free-queue", queue: q.index });
      if (!moving) this.removeFilter(q);
      const [a, b] = await this.settle(Promise.all([move.pending, free]), TICKS_PER_US);
      await this.finishMove(move, a);
      this.expectOutcome("free-queue", b, moving ? "queue-busy" : "ok");
      if (!moving) e.queues.delete(q.index);
    } else if (kind === "free-move") {
      const free = e.adapter.request({ kind: "free-queue", queue: q.index });
      this.removeFilter(q);
      // A queue being freed takes no send and no move.
      const refused = buildSend({ kind: "raw", size: 100, mss: 0, udp: false, which: 0 }, 0, 0, 0);
      expect(e.adapter.send(q.index, [{ bytes: refused }]), "a send to a closing queue").toBe(0);
      const move = e.adapter.request({
        kind: "set-queue-processor",
        queue: q.index,
        processor: away(q, pick),
      });
      const [a, b] = await this.settle(Promise.all([free, move]), TICKS_PER_US);
      this.expectOutcome("set-queue-processor", b, "queue-busy");
      this.expectOutcome("free-queue", a, "ok");
      expect(q.sends, "sends left on a freed queue").toEqual([]);
      e.queues.delete(q.index);
    } else {
      // A halt overtakes the pending move or free: it fails, and the reset goes on.
      const move = kind === "move-reset" ? this.startMove(q, away(q, pick)) : undefined;
      const pending = move?.pending ?? e.adapter.request({ kind: "free-queue", queue: q.index });
      const expected =
        move === undefined
          ? "not-running"
          : move.expectation === "ok"
            ? "not-running"
            : move.expectation;
      let outcome: RequestOutcome<"set-queue-processor" | "free-queue"> | undefined;
      void pending.then((o) => {
        outcome = o;
      });
      await this.reset();
      expect(outcome, "the request a halt overtook").toBeDefined();
      const got = outcome!.ok ? "ok" : outcome!.error.kind;
      expect(got, `${kind}: the request a halt overtook`).toBe(expected);
    }
    if (this.epoch === e) this.finishMoves();
  }

  /** Asks for `q` to move to `processor`, updating the model as the request does. */
  private startMove(q: QueueModel, processor: number, busy?: Expectation): Move {
    const expectation: Expectation =
      busy === "queue-busy" && q.target !== null
        ? "queue-busy"
        : !this.processorValid(processor)
          ? "processor-out-of-range"
          : this.vectorFor(processor) < 0
            ? "no-free-vector"
            : "ok";
    const previous = q.owner;
    let vector = -1;
    if (expectation === "ok") {
      vector = this.vectorFor(processor);
      if (processor !== q.owner) q.target = processor;
    }
    const pending = this.epoch.adapter.request({
      kind: "set-queue-processor",
      queue: q.index,
      processor,
    });
    return { q, processor, previous, vector, expectation, pending };
  }

  /** Checks a settled move's outcome and that indications followed the handover. */
  private async finishMove(m: Move, outcome: RequestOutcome<"set-queue-processor">): Promise<void> {
    this.expectOutcome("set-queue-processor", outcome, m.expectation);
    if (!outcome.ok) return;
    const v = outcome.value;
    expect({ ...v, completedAtTicks: 0 }).toEqual({
      queue: m.q.index,
      processor: m.processor,
      previousProcessor: m.previous,
      vector: m.vector,
      completedAtTicks: 0,
    });
    if (m.processor === m.previous) return;
    countOutcome("queue moved");
    // Before the handover the old owner's DPC indicated the queue's frames (and completed
    // its sends), after it the new owner's (at the handover's own tick, either).
    for (const d of this.duringMove.filter((x) => x.queue === m.q.index)) {
      if (d.atTicks < v.completedAtTicks && d.processor !== m.previous) {
        this.violation(`queue ${m.q.index} served on ${d.processor} before its handover`);
      }
      if (d.atTicks > v.completedAtTicks && d.processor !== m.processor) {
        this.violation(`queue ${m.q.index} served on ${d.processor} after its handover`);
      }
      if (d.atTicks > v.completedAtTicks) countOutcome("served by the new owner mid-move");
    }
  }

  /** set-moderation of a queue's vector, or of a vector named directly. */
  async setModeration(choice: number, byVector: boolean, intervalUs: number): Promise<void> {
    const e = this.epoch;
    const units = Math.round(intervalUs / EITR_UNIT_US);
    let vector: number;
    let request: DriverRequest;
    if (byVector) {
      vector = choice % this.config.vectors;
      request = { kind: "set-moderation", vector, intervalUs };
    } else {
      const q = this.pickQueue(choice);
      vector = e.vectorOf.get(q.owner)!;
      request = { kind: "set-moderation", queue: q.index, intervalUs };
    }
    const expectation: Expectation = !e.processorOfVector.has(vector)
      ? "vector-out-of-range"
      : units > EITR_MAX_UNITS
        ? "moderation-out-of-range"
        : "ok";
    const outcome = await this.settle(e.adapter.request(request));
    this.expectOutcome("set-moderation", outcome, expectation);
    if (!outcome.ok) return;
    expect(outcome.value).toEqual({ vector, intervalUs: units * EITR_UNIT_US, units });
    e.eitr.set(vector, units);
  }

  /**
   * set-rss: any of key, hash types, indirection table (RSS queue ordinals, turned into the
   * processors those queues will run on) and base processor (which moves the RSS queues).
   */
  async setRss(r: RssRequest): Promise<void> {
    const rss = this.startRss(r);
    await rss.finish(await this.settle(rss.pending, TICKS_PER_US));
    this.finishMoves();
  }

  /** Sends set-rss, updating the model as the request does; `finish` checks its outcome. */
  private startRss(r: RssRequest): {
    readonly pending: Promise<RequestOutcome<"set-rss">>;
    readonly finish: (outcome: RequestOutcome<"set-rss">) => Promise<void>;
  } {
    const e = this.epoch;
    const n = this.config.processors;
    const rssQueues = [...e.queues.values()]
      .filter((q) => q.index < this.config.rssQueues)
      .sort((a, b) => a.index - b.index);
    // Where each queue was last asked to run (a pending move's target).
    const affinity = (q: QueueModel) => q.target ?? q.owner;
    const base = r.base ?? e.rss.base;
    const targets = rssQueues.map((q, i) => (r.base === undefined ? affinity(q) : (base + i) % n));
    const indirection = r.indirection?.map((i) => targets[i % targets.length]!);
    const size = indirection?.length ?? 1;
    const moving = rssQueues.filter((q, i) => affinity(q) !== targets[i]);
    let expectation: Expectation =
      r.base !== undefined && !this.processorValid(r.base)
        ? "processor-out-of-range"
        : r.key !== undefined && r.key.length !== 40
          ? "bad-rss-key"
          : size < 1 || size > 128 || (size & (size - 1)) !== 0
            ? "bad-indirection-table"
            : moving.some((q) => q.target !== null)
              ? "queue-busy"
              : "ok";
    // Every move needs its target's vector: found (lowest free first, in queue order)
    // before anything is written, or the request fails with nothing changed.
    if (
      expectation === "ok" &&
      moving.some((q) => this.vectorFor(targets[rssQueues.indexOf(q)]!) < 0)
    ) {
      expectation = "no-free-vector";
    }
    const request: DriverRequest = {
      kind: "set-rss",
      ...(r.hashTypes === undefined ? {} : { hashTypes: r.hashTypes }),
      ...(r.key === undefined ? {} : { key: r.key }),
      ...(indirection === undefined ? {} : { indirection }),
      ...(r.base === undefined ? {} : { baseProcessor: r.base }),
    };
    const pending = e.adapter.request(request);
    if (expectation === "ok") {
      if (r.key !== undefined) e.rss.key = Uint8Array.from(r.key);
      if (indirection !== undefined) {
        e.rss.reta = Array.from({ length: 128 }, (_, i) => {
          const p = indirection[i % indirection.length]!;
          return rssQueues[targets.indexOf(p)]!.index;
        });
      }
      if (r.hashTypes !== undefined) e.rss.hashTypes = r.hashTypes;
      e.rss.base = base;
      for (const q of moving) q.target = targets[rssQueues.indexOf(q)]!;
    }
    const finish = async (outcome: RequestOutcome<"set-rss">) => {
      this.expectOutcome("set-rss", outcome, expectation);
      if (!outcome.ok) return;
      expect(outcome.value).toEqual({
        enabled: e.rss.hashTypes !== 0,
        hashTypes: e.rss.hashTypes,
        baseProcessor: base,
        processors: targets,
        reta: e.rss.reta,
      });
      if (moving.length > 0) countOutcome("RSS queues moved");
    };
    return { pending, finish };
  }

  // --- Checks -------------------------------------------------------------------------

  /** Everything that must hold between commands. */
  check(): void {
    this.expectNoViolation();
    this.sampleDrops();
    const e = this.epoch;
    const adapter = e.adapter;
    for (let q = 0; q < this.config.queues; q++) {
      expect(this.pendingOn(q), `frames on queue ${q} counted twice`).toBeGreaterThanOrEqual(0);
    }
    const steered = this.steeredTo.reduce((a, b) => a + b, 0);
    expect(this.onWire + this.macDropped + steered, "frames injected").toBe(this.injected);
    expect(this.peek("RXDMADC"), "receive DMA faults").toBe(0);
    expect(adapter.lastFault, "device faults").toBeNull();
    expect(adapter.state).toBe("running");
    const active = [...e.queues.keys()].sort((a, b) => a - b);
    expect(adapter.activeQueues()).toEqual(active);
    for (let index = 0; index < this.config.queues; index++) {
      const q = e.queues.get(index);
      if (q === undefined) {
        // A queue not in use raises nothing and moves nothing.
        expect(this.peek("IVAR", index), `IVAR of free queue ${index}`).toBe(0);
        expect(this.field("RXDCTL", "ENABLE", index)).toBe(0);
        expect(this.field("TXDCTL", "ENABLE", index)).toBe(0);
        continue;
      }
      const vector = e.vectorOf.get(q.owner)!;
      const info = adapter.queueInfo(index)!;
      expect(info).toMatchObject({
        queue: index,
        role: q.role,
        owner: q.owner,
        affinity: q.owner,
        vector,
        filter: q.filter,
        rxBuffers: this.config.rxRingSize,
        txPendingSends: q.sends.length,
      });
      expect(info.rxPosted + info.rxBuffersFree, `rx buffers of queue ${index}`).toBe(
        info.rxBuffers,
      );
      // The queue's events raise its owner's vector, whose MSI-X entry targets the owner.
      expect(
        {
          rxValid: this.field("IVAR", "RX_VALID", index),
          rxVector: this.field("IVAR", "RX_VECTOR", index),
          txValid: this.field("IVAR", "TX_VALID", index),
          txVector: this.field("IVAR", "TX_VECTOR", index),
        },
        `IVAR of queue ${index}`,
      ).toEqual({ rxValid: 1, rxVector: vector, txValid: 1, txVector: vector });
      expect(this.field("RXDCTL", "ENABLE", index)).toBe(1);
      expect(this.field("TXDCTL", "ENABLE", index)).toBe(1);
    }
    // Faults (none expected) would interrupt RSS queue 0's processor.
    const misc = this.config.vectors - 1;
    expect(this.msixTarget(misc), "MSI-X entry of the misc vector").toBe(e.miscProcessor);
    expect(this.field("IVAR_MISC", "VECTOR")).toBe(misc);
    // RSS as the model has it: enable, key, redirection table.
    expect(this.field("MRQC", "MRQE"), "MRQC.MRQE").toBe(e.rss.hashTypes === 0 ? 0 : 1);
    const key = Array.from(
      { length: 40 },
      (_, i) => (this.peek("RSSRK", i >> 2) >>> (8 * (i & 3))) & 0xff,
    );
    expect(key, "RSSRK").toEqual([...e.rss.key]);
    const reta = Array.from({ length: 128 }, (_, i) => this.field("RETA", `ENTRY${i & 3}`, i >> 2));
    expect(reta, "RETA").toEqual(e.rss.reta);
    for (const [vector, processor] of e.processorOfVector) {
      expect(this.msixTarget(vector), `MSI-X entry of vector ${vector}`).toBe(processor);
      expect(this.field("MSIXVCTRL", "MASK", vector)).toBe(0);
    }
    for (const [vector, units] of e.eitr) {
      expect(this.field("EITR", "INTERVAL", vector), `EITR of vector ${vector}`).toBe(units);
    }
    for (let slot = 0; slot < this.config.queues; slot++) {
      const f = e.filters[slot]!;
      expect(this.field("RAH", "AV", slot), `filter slot ${slot} enabled`).toBe(f === null ? 0 : 1);
      if (f === null) continue;
      const mac = VM_MACS[f.mac]!;
      expect(this.peek("RAL", slot)).toBe(
        (mac[0]! | (mac[1]! << 8) | (mac[2]! << 16) | (mac[3]! << 24)) >>> 0,
      );
      expect(this.field("RAH", "ADDR", slot)).toBe(mac[4]! | (mac[5]! << 8));
      expect(this.field("VMQF", "QUEUE", slot)).toBe(f.queue);
      expect(this.field("VMQF", "VLAN_MATCH", slot)).toBe(f.vlan === undefined ? 0 : 1);
    }
    expect(this.memory.mappedBytes, "host memory in use").toBe(active.length * this.queueBytes);
  }

  /**
   * Runs until every frame has been indicated or dropped, every send completed and on the
   * wire, and the processors are idle; then checks that nothing is pending and that every
   * ring is whole again (receive rings fully posted, transmit rings empty).
   */
  drain(): void {
    this.runUntil(() => this.settled(), "the system never drained");
    this.check();
    for (let q = 0; q < this.config.queues; q++)
      expect(this.pendingOn(q), `pending on ${q}`).toBe(0);
    expect(this.onWire, "frames still on the wire").toBe(0);
    // What is left was dropped by its queue (QPRDC counts, not names, the frames it drops).
    const left = new Array<number>(MAX_QUEUES).fill(0);
    for (const r of this.rx.values()) left[r.steering!.queue]!++;
    expect(left, "frames neither indicated nor dropped").toEqual(this.dropsSinceReset());
    this.expectSendsOnWire();
    expect(this.sends.size, "sends never completed").toBe(0);
    expect(this.sendsCompleted).toBe(this.sendsAccepted);
    countOutcome("total frames injected", this.injected);
    countOutcome(
      "total frames indicated",
      this.delivered.reduce((a, b) => a + b, 0),
    );
    countOutcome("total sends completed", this.sendsCompleted);
    countOutcome("total segments on the wire", this.segmentsOnWire);
    const c = this.config;
    for (const index of this.epoch.queues.keys()) {
      const info = this.epoch.adapter.queueInfo(index)!;
      expect(info, `queue ${index} after the drain`).toMatchObject({
        rxPosted: c.rxRingSize - 1,
        rxBuffersFree: 1,
        txPendingSends: 0,
        txFreeDescriptors: c.txRingSize - 1,
        txArenaUsedBytes: 0,
      });
      const rdh = this.peek("RDH", index);
      const rdt = this.peek("RDT", index);
      expect((rdh - rdt + c.rxRingSize) % c.rxRingSize, `RDH/RDT of ${index}`).toBe(1);
      expect(this.peek("TDH", index), `TDH/TDT of ${index}`).toBe(this.peek("TDT", index));
    }
  }

  /** Frames steered to queue `q` neither indicated, dropped, nor forgotten. */
  private pendingOn(q: number): number {
    return this.steeredTo[q]! - this.delivered[q]! - this.queueDrops[q]! - this.forgotten[q]!;
  }

  private dropsSinceReset(): number[] {
    return this.queueDrops.map((d, q) => d - this.dropsBeforeReset[q]!);
  }

  private settled(): boolean {
    if (this.onWire > 0 || this.sends.size > 0 || !this.deviceQuiet()) return false;
    this.sampleDrops();
    for (let q = 0; q < this.config.queues; q++) if (this.pendingOn(q) !== 0) return false;
    return true;
  }

  /** Nothing on the wire or in the NIC's buffers, and every processor idle. */
  private deviceQuiet(): boolean {
    const nic = this.nic;
    if (nic.wire.framesOnWire > 0 || nic.wire.fromNic.fifo.count > 0) return false;
    if (nic.rxBufferedFrames > 0 && this.epoch.adapter.state === "running") return false;
    if (nic.rxDma.framesInFlight > 0) return false;
    for (let p = 0; p < this.config.processors; p++) {
      const cpu = this.host.processor(p);
      if (cpu.isBusy || cpu.queuedIsrs > 0 || cpu.queuedDpcs > 0) return false;
    }
    return true;
  }

  /**
   * Runs in 20 us steps until `done` has held for 200 us (so that LSO segments staged in
   * the NIC reach the wire too). Draining can take long (a full packet buffer behind an
   * 8-descriptor ring at 1 ms moderation moves a few frames a millisecond), so it fails
   * only when nothing moved for 20 ms: no frame indicated or dropped, no send completed,
   * no segment on the wire. That is a stall (or a second of simulated time has passed).
   */
  private runUntil(done: () => boolean, message: string): void {
    let quiet = 0;
    let progress = this.progress();
    let stalledSince = this.now;
    const limit = this.now + 1000 * TICKS_PER_MS;
    while (this.now < limit) {
      this.run(20 * TICKS_PER_US);
      quiet = done() ? quiet + 1 : 0;
      if (quiet >= 10) return;
      this.sampleDrops();
      const now = this.progress();
      if (now !== progress) {
        progress = now;
        stalledSince = this.now;
      } else if (this.now - stalledSince > 20 * TICKS_PER_MS) {
        break;
      }
    }
    this.expectNoViolation();
    throw new Error(`${message}: ${this.describePending()}`);
  }

  /** A count that grows whenever anything happens to a frame or a send. */
  private progress(): number {
    const sum = (a: readonly number[]) => a.reduce((x, y) => x + y, 0);
    return (
      sum(this.delivered) +
      sum(this.queueDrops) +
      this.macDropped +
      this.sendsCompleted +
      this.segmentsOnWire
    );
  }

  private describePending(): string {
    const pending = Array.from({ length: this.config.queues }, (_, q) => this.pendingOn(q));
    return JSON.stringify({
      pending,
      onWire: this.onWire,
      sends: this.sends.size,
      buffered: this.nic.rxBufferedFrames,
    });
  }

  private expectNoViolation(): void {
    expect(this.violations).toEqual([]);
  }

  /** Every send that completed as sent has all its segments on the wire. */
  private expectSendsOnWire(): void {
    const short = [...this.sends.values()].filter(
      (s) => s.status === "sent" && s.seen < s.segments,
    );
    expect(
      short.map((s) => `${s.uid}: ${s.seen}/${s.segments}`),
      "sends not on the wire",
    ).toEqual([]);
  }

  // --- Callbacks ----------------------------------------------------------------------

  /** A frame's last bit reached the MAC (the NIC took it just before this tap). */
  private arrived(frame: Uint8Array): void {
    const uid = rxUidOf(frame);
    const r = this.rx.get(uid);
    if (r === undefined || r.steering !== null) {
      this.violation(`frame ${uid} reached the NIC but was not on the wire`);
      return;
    }
    this.onWire--;
    const increased = MAC_DROPS.filter((name) => this.peek(name) !== this.macPrev.get(name));
    for (const name of increased) this.macPrev.set(name, this.peek(name));
    const expected: MacDrop | null =
      r.spec.breakage === "fcs"
        ? "CRCERRS"
        : r.spec.breakage === "runt"
          ? "RUC"
          : r.spec.breakage === "oversize"
            ? "ROC"
            : null;
    if (increased.length > 1) this.violation(`frame ${uid} counted in ${increased.join(", ")}`);
    const counted = increased[0];
    if (counted !== undefined) {
      if (counted !== expected && !(expected === null && counted === "MPC")) {
        this.violation(`frame ${uid} (${r.spec.breakage}) counted in ${counted}`);
      }
      countOutcome(`MAC drop ${counted}`);
      this.macDropped++;
      this.rx.delete(uid);
      return;
    }
    if (expected !== null) this.violation(`broken frame ${uid} (${expected}) was accepted`);
    const e = this.epoch;
    const steering = steer(r.spec, e.filters, e.rss);
    r.steering = steering;
    this.steeredTo[steering.queue]!++;
    if (steering.filter >= 0) countOutcome("steered by a filter");
    else if (e.rss.hashTypes !== 0) countOutcome("steered by RSS");
    else countOutcome("steered to the default queue");
  }

  /** The driver indicated frames on `queue`. */
  private received(epoch: number, queue: number, frames: readonly ReceivedFrame[]): void {
    const e = this.epoch;
    if (epoch !== e.n) {
      this.violation(`adapter ${epoch} indicated after it halted`);
      return;
    }
    const processor = this.host.currentProcessor() ?? -1;
    const q = e.queues.get(queue);
    if (q === undefined) {
      this.violation(`indication on queue ${queue}, which is not in use`);
      return;
    }
    if (processor !== q.owner && processor !== q.target) {
      this.violation(`queue ${queue} (owner ${q.owner}) indicated on processor ${processor}`);
    }
    if (q.target !== null) this.duringMove.push({ queue, processor, atTicks: this.now });
    for (const f of frames) this.receivedFrame(queue, f);
  }

  private receivedFrame(queue: number, f: ReceivedFrame): void {
    const frame = f.bytes.subarray(f.offset, f.offset + f.length);
    const uid = rxUidOf(frame);
    const r = this.rx.get(uid);
    if (r === undefined || r.steering === null) {
      this.violation(`frame ${uid} indicated on ${queue} but not expected (duplicate?)`);
      return;
    }
    this.rx.delete(uid);
    const s = r.steering;
    this.delivered[queue]!++;
    if (s.queue !== queue) {
      this.violation(`frame ${uid} indicated on queue ${queue}, steered to ${s.queue}`);
      this.delivered[queue]!--;
      this.delivered[s.queue]!++;
    }
    if (f.queue !== queue || !bytesEqual(frame, r.bytes)) {
      this.violation(`frame ${uid} bytes differ`);
    }
    const ip = r.spec.l4 !== "raw";
    const udp = r.spec.l4 === "udp";
    const got = {
      filter: f.filterIndex,
      rssType: f.rssType,
      rssHash: f.rssHash,
      ipChecksum: f.ipChecksum,
      l4Checksum: f.l4Checksum,
      l4IsUdp: f.l4IsUdp,
      vlanTci: f.vlanTci,
      descriptors: f.descriptors,
    };
    const want = {
      filter: s.filter,
      rssType: s.rssType,
      rssHash: s.rssHash,
      ipChecksum: ip ? "good" : "not-checked",
      l4Checksum: ip ? "good" : "not-checked",
      l4IsUdp: udp,
      vlanTci: r.spec.vlan ?? -1,
      descriptors: Math.ceil(r.bytes.length / this.config.rxBufferBytes),
    };
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      this.violation(`frame ${uid}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
    const key = `${r.flow}/${queue}`;
    const last = this.lastSeq.get(key) ?? 0;
    if (r.seq <= last) this.violation(`flow ${r.flow} on queue ${queue}: ${r.seq} after ${last}`);
    this.lastSeq.set(key, r.seq);
  }

  /** The driver completed sends on `queue`, oldest first. */
  private completed(epoch: number, queue: number, statuses: readonly SendStatus[]): void {
    const e = this.epoch;
    if (epoch !== e.n) {
      this.violation(`adapter ${epoch} completed sends after it halted`);
      return;
    }
    const q = e.queues.get(queue);
    if (q === undefined) {
      this.violation(`completion on queue ${queue}, which is not in use`);
      return;
    }
    const processor = this.host.currentProcessor() ?? -1;
    if (processor !== q.owner && processor !== q.target) {
      this.violation(`queue ${queue} (owner ${q.owner}) completed sends on ${processor}`);
    }
    if (q.target !== null) this.duringMove.push({ queue, processor, atTicks: this.now });
    for (const status of statuses) {
      const s = q.sends.shift();
      if (s === undefined) {
        this.violation(`queue ${queue}: a completion (${status}) for no send`);
        continue;
      }
      if (status !== s.expected) this.violation(`send ${s.uid}: ${status}, expected ${s.expected}`);
      s.status = status;
      this.sendsCompleted++;
      if (status === "invalid") countOutcome("send completed invalid");
      if (s.seen >= s.segments) this.sends.delete(s.uid);
    }
  }

  /** A frame (or segment) the NIC sent reached the peer. */
  private transmitted(frame: Uint8Array): void {
    const uid = txUidOf(frame);
    const s = this.sends.get(uid);
    if (s === undefined || s.seen >= s.segments) {
      this.violation(`frame of send ${uid} on the wire, not expected (duplicate?)`);
      return;
    }
    if (uid < this.lastWireUid[s.queue]!) {
      this.violation(
        `queue ${s.queue}: send ${uid} on the wire after ${this.lastWireUid[s.queue]}`,
      );
    }
    this.lastWireUid[s.queue] = uid;
    this.segmentsOnWire++;
    s.seen++;
    const problem = s.spec.kind === "lso" ? this.segmentProblem(s, frame) : wireProblem(s, frame);
    if (problem !== null) this.violation(`send ${uid} (${s.spec.kind}) on the wire: ${problem}`);
    if (s.spec.kind === "lso" && s.segments > 1 && s.seen === s.segments) {
      countOutcome("LSO send cut into segments");
    }
    if (s.status !== null && s.seen === s.segments) this.sends.delete(uid);
  }

  /** What is wrong with segment `frame` of large send `s`, or null. */
  private segmentProblem(s: SendRecord, frame: Uint8Array): string | null {
    const o = s.bytes;
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    if (frame.length < TCP_HEADERS) return `a ${frame.length}-byte segment`;
    const payload = view.getUint16(16) - 40;
    if (payload < 1 || payload > s.spec.mss) return `${payload} payload bytes (MSS ${s.spec.mss})`;
    // A short last segment is padded to the 60-byte Ethernet minimum, as any short frame.
    if (frame.length !== Math.max(60, TCP_HEADERS + payload)) return `length ${frame.length}`;
    if (!bytesEqual(frame.subarray(0, 14), o.subarray(0, 14))) return "Ethernet header";
    if (!bytesEqual(frame.subarray(26, 38), o.subarray(26, 38))) return "addresses or ports";
    if (view.getUint32(38) !== (tcpSeqOf(s.uid) + s.nextOffset) >>> 0) return "TCP sequence";
    const at = TCP_HEADERS + s.nextOffset;
    if (
      !bytesEqual(frame.subarray(TCP_HEADERS, TCP_HEADERS + payload), o.subarray(at, at + payload))
    ) {
      return `payload at offset ${s.nextOffset}`;
    }
    if (!ipv4ChecksumOk(frame) || !l4ChecksumOk(frame)) return "checksums";
    s.nextOffset += payload;
    return null;
  }

  private isrRan(vector: number, processor: number): void {
    const expected = this.epoch.processorOfVector.get(vector);
    if (expected !== processor) {
      this.violation(`vector ${vector}'s ISR ran on ${processor}, expected ${expected}`);
    }
  }

  // --- Model helpers ------------------------------------------------------------------

  /** The VMQ queue `choice` picks (in index order, wrapping), if there is one. */
  private pickVmq(choice: number): QueueModel | undefined {
    const vmq = [...this.epoch.queues.values()].filter((x) => x.role === "vmq");
    return vmq.sort((a, b) => a.index - b.index)[choice % Math.max(1, vmq.length)];
  }

  /** The active queue `choice` picks (queues in index order, wrapping). */
  pickQueue(choice: number): QueueModel {
    const queues = [...this.epoch.queues.values()].sort((a, b) => a.index - b.index);
    return queues[choice % queues.length]!;
  }

  /**
   * The vector serving `processor`, allocated (lowest free first, the last being for
   * faults) on first use; -1 when none is left.
   */
  private vectorFor(processor: number): number {
    const e = this.epoch;
    const existing = e.vectorOf.get(processor);
    if (existing !== undefined) return existing;
    let vector = 0;
    while (e.processorOfVector.has(vector)) vector++;
    if (vector >= this.config.vectors - 1) return -1;
    e.vectorOf.set(processor, vector);
    e.processorOfVector.set(vector, processor);
    e.eitr.set(vector, Math.round(this.config.moderationUs / EITR_UNIT_US));
    return vector;
  }

  /** Settled moves: the target is the owner now. */
  private finishMoves(): void {
    for (const q of this.epoch.queues.values()) {
      if (q.target !== null) q.owner = q.target;
      q.target = null;
    }
    this.duringMove.length = 0;
  }

  private freeQueueIndex(): number {
    for (let i = 0; i < this.config.queues; i++) if (!this.epoch.queues.has(i)) return i;
    return -1;
  }

  private removeFilter(q: QueueModel): void {
    if (q.filter >= 0) this.epoch.filters[q.filter] = null;
    q.filter = -1;
  }

  /** The queue other than `except` that `mac`/`vlan` already steers to, or -1. */
  private filterConflict(mac: number, vlan: number | undefined, except: number): number {
    const f = this.epoch.filters.find(
      (x) => x !== null && x.queue !== except && x.mac === mac && x.vlan === vlan,
    );
    return f?.queue ?? -1;
  }

  private vlanError(vlan: number | undefined): Expectation | null {
    if (vlan === undefined || (vlan >= 1 && vlan <= 4094)) return null;
    return "vlan-out-of-range";
  }

  private processorValid(p: number): boolean {
    return Number.isInteger(p) && p >= 0 && p < this.config.processors;
  }

  private expectOutcome<K extends DriverRequest["kind"]>(
    kind: K,
    outcome: RequestOutcome<K>,
    expectation: Expectation,
  ): void {
    const got = outcome.ok ? "ok" : outcome.error.kind;
    expect(got, `${kind}: ${outcome.ok ? "" : outcome.error.message}`).toBe(expectation);
    countOutcome(`${kind} ${got}`);
  }

  // --- Registers ----------------------------------------------------------------------

  private peek(name: string, n = 0): number {
    return this.nic.regs.peek32(this.nic.regs.map.offsetOf(name, n));
  }

  private field(reg: string, field: string, n = 0): number {
    return this.nic.regs.map.fieldValue(reg, field, this.peek(reg, n));
  }

  /** The processor an MSI-X entry's address targets (x86: APIC id in bits 19:12), or -1. */
  private msixTarget(vector: number): number {
    const low = this.peek("MSIXAL", vector);
    if (this.peek("MSIXAH", vector) !== 0 || (low & 0xfff0_0000) >>> 0 !== 0xfee0_0000) return -1;
    return (low >>> 12) & 0xff;
  }

  /** Adds what the queue drop counters gained since the last look (read without clearing). */
  private sampleDrops(): void {
    for (let q = 0; q < this.config.queues; q++) {
      const now = this.peek("QPRDC", q);
      const gained = now - this.queueDropsPrev[q]!;
      if (gained < 0) this.violation(`QPRDC(${q}) went down: someone read it`);
      if (gained > 0) countOutcome("queue drop (QPRDC)");
      this.queueDrops[q]! += Math.max(0, gained);
      this.queueDropsPrev[q] = now;
    }
  }

  /** QPRDC(q) is about to be read and cleared by the driver: keep what it gained. */
  private takeDropsBeforeRead(q: number): void {
    const gained = this.peek("QPRDC", q) - (this.queueDropsPrev[q] ?? 0);
    if (gained > 0) countOutcome("queue drop (QPRDC)");
    this.queueDrops[q]! += Math.max(0, gained);
    this.queueDropsPrev[q] = 0;
  }

  /** Takes the counters' current values as the base (after the driver or a reset cleared them). */
  private rebaseCounters(): void {
    for (let q = 0; q < this.config.queues; q++) this.queueDropsPrev[q] = this.peek("QPRDC", q);
    for (const name of MAC_DROPS) this.macPrev.set(name, this.peek(name));
  }
}

function queueModel(index: number, role: QueueModel["role"], owner: number): QueueModel {
  return { index, role, owner, target: null, filter: -1, sends: [], sent: 0 };
}

/** The offload request of a send spec. */
function offloadOf(spec: TxSendSpec): Pick<SendRequest, "offload"> {
  if (spec.kind === "lso" || spec.kind === "invalid") return { offload: { lsoMss: spec.mss } };
  if (spec.kind !== "checksum") return {};
  const which = spec.which === 0 ? 3 : spec.which;
  return { offload: { ipv4Checksum: (which & 1) !== 0, l4Checksum: (which & 2) !== 0 } };
}

/** What is wrong with frame `frame` of a send that is not segmented, or null. */
function wireProblem(s: SendRecord, frame: Uint8Array): string | null {
  if (s.spec.kind !== "checksum") return bytesEqual(frame, s.bytes) ? null : "bytes differ";
  if (frame.length !== s.bytes.length) return `length ${frame.length}`;
  const which = s.spec.which === 0 ? 3 : s.spec.which;
  const fields = checksumFields(s.bytes);
  const other = frame.slice();
  // Everything but the checksums asked for is as sent; those verify.
  if ((which & 1) !== 0) other.set(s.bytes.subarray(fields.ip, fields.ip + 2), fields.ip);
  if ((which & 2) !== 0) other.set(s.bytes.subarray(fields.l4, fields.l4 + 2), fields.l4);
  if (!bytesEqual(other, s.bytes)) return "bytes other than the checksums differ";
  if ((which & 1) !== 0 && !ipv4ChecksumOk(frame)) return "IPv4 checksum";
  if ((which & 2) !== 0 && !l4ChecksumOk(frame)) return "L4 checksum";
  return null;
}
