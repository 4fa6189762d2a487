import type { HostServices } from "../host/host-services.js";
import type { Ticks } from "../kernel/ticks.js";
import type { AdapterConfig } from "./adapter-config.js";
import type { FilterTable, MacAddress } from "./filters.js";
import { formatMac, macProblem, vlanProblem } from "./filters.js";
import { type InterruptVectors, MODERATION_UNIT_US, NO_VECTOR } from "./interrupts.js";
import { QueueContext } from "./queue.js";
import type { QueueManager } from "./queue-manager.js";
import type { DriverRegisters } from "./registers.js";
import {
  type Capabilities,
  type DriverError,
  type Failure,
  fail,
  type RequestOf,
  type RequestOutcome,
  type RequestResults,
  succeed,
} from "./requests.js";
import {
  ALL_HASH_TYPES,
  hashTypesProblem,
  indirectionProblem,
  keyProblem,
  type RssProgram,
} from "./rss.js";
import { MAX_LSO_PAYLOAD_BYTES, MAX_SEND_BYTES } from "./send-request.js";

/** An outcome now, or once the work it needs has happened in simulated time. */
type Pending<K extends keyof RequestResults> = RequestOutcome<K> | Promise<RequestOutcome<K>>;

/** What the request handlers work with. */
export interface RequestHandlerParts {
  readonly regs: DriverRegisters;
  readonly host: HostServices;
  readonly config: AdapterConfig;
  readonly queues: QueueManager;
  readonly vectors: InterruptVectors;
  readonly filters: FilterTable;
  readonly rss: RssProgram;
  /** Queues and vectors the device has (DEVCAP). */
  readonly deviceQueues: number;
  readonly deviceVectors: number;
}

/**
 * One handler per request kind (except statistics, which the adapter assembles): each
 * validates everything first and returns a typed error before touching the device, then
 * programs it. Requests that must wait for the device or a DPC return a promise.
 */
export class RequestHandlers {
  private readonly p: RequestHandlerParts;
  /** The NDIS hash types last set (0: RSS off). */
  private rssHashTypes = 0;
  /** The processor of RSS queue 0. */
  private rssBase: number;

  constructor(parts: RequestHandlerParts) {
    this.p = parts;
    this.rssBase = parts.config.rssBaseProcessor;
  }

  /** RSS queue `i`'s processor when the RSS base processor is `base`. */
  rssProcessor(i: number, base = this.rssBase): number {
    return (base + i) % this.p.host.processorCount;
  }

  capabilities(): Capabilities {
    const { regs, config, rss } = this.p;
    return {
      queues: this.p.deviceQueues,
      vectors: this.p.deviceVectors,
      processors: this.p.host.processorCount,
      rssQueues: config.rssQueues,
      freeVmqQueues: this.p.queues.freeCount(),
      filters: regs.count("RAL"),
      rxRingSize: config.rxRingSize,
      txRingSize: config.txRingSize,
      rxBufferBytes: config.rxBufferBytes,
      maxSendBytes: MAX_SEND_BYTES,
      maxLsoPayloadBytes: MAX_LSO_PAYLOAD_BYTES,
      rssHashTypes: ALL_HASH_TYPES,
      rssKeyBytes: rss.keyBytes,
      indirectionEntries: rss.retaEntries,
      moderationUnitUs: MODERATION_UNIT_US,
      maxModerationUs: this.p.vectors.maxModerationUs,
      miscVector: this.p.vectors.miscVector,
    };
  }

  /**
   * A VMQ queue on `processor`, steered to by `mac` (and `vlan`). The ring is full of
   * buffers before the filter steers the first frame to it.
   */
  allocateQueue(r: RequestOf<"allocate-queue">): RequestOutcome<"allocate-queue"> {
    const invalid = this.filterError(r.mac, r.vlan, -1) ?? this.processorError(r.processor);
    if (invalid !== null) return fail(invalid);
    const slot = this.p.filters.freeSlot();
    if (slot < 0) return fail(noFreeFilter());
    const index = this.p.queues.freeIndex();
    if (index < 0) return fail({ kind: "no-free-queue", message: "every queue is in use" });
    const vector = this.p.queues.ensureProcessor(r.processor);
    if (vector === NO_VECTOR) return fail(noVector(r.processor));
    const queue = this.p.queues.start(index, "vmq", r.processor);
    this.p.filters.install(slot, r.mac, r.vlan, index);
    queue.filter = slot;
    return succeed({ queue: index, processor: r.processor, vector, filter: slot });
  }

  freeQueue(r: RequestOf<"free-queue">): Pending<"free-queue"> {
    if (r.queue === 0) {
      return fail({ kind: "default-queue-cannot-be-freed", message: "queue 0 always exists" });
    }
    const q = this.activeQueue(r.queue);
    if (isError(q)) return fail(q);
    if (q.role === "rss") {
      const message = `queue ${r.queue} is an RSS queue (it lives as long as the adapter)`;
      return fail({ kind: "rss-queue-cannot-be-freed", queue: r.queue, message });
    }
    if (q.handover !== null) return fail(busy(r.queue));
    return new Promise((resolve) =>
      this.p.queues.close(q, (failure) => {
        if (failure === null) resolve(succeed({ queue: r.queue }));
        else if (failure === "halting") resolve(fail(halting()));
        else resolve(fail({ kind: "timeout", message: `queue ${r.queue} did not stop` }));
      }),
    );
  }

  setFilter(r: RequestOf<"set-filter">): RequestOutcome<"set-filter"> {
    const q = this.activeQueue(r.queue);
    if (isError(q)) return fail(q);
    const invalid = this.filterError(r.mac, r.vlan, r.queue);
    if (invalid !== null) return fail(invalid);
    const slot = q.filter >= 0 ? q.filter : this.p.filters.freeSlot();
    if (slot < 0) return fail(noFreeFilter());
    this.p.filters.install(slot, r.mac, r.vlan, r.queue);
    q.filter = slot;
    return succeed({ queue: r.queue, filter: slot });
  }

  /**
   * Moves a queue to another processor's vector. The move is a handover the old owner's
   * DPC performs after its last poll of the queue (see `ProcessorDpc` for why no frame is
   * lost, duplicated or reordered); the request settles when it has happened.
   */
  setQueueProcessor(r: RequestOf<"set-queue-processor">): Pending<"set-queue-processor"> {
    const invalid = this.processorError(r.processor);
    if (invalid !== null) return fail(invalid);
    const q = this.activeQueue(r.queue);
    if (isError(q)) return fail(q);
    if (q.handover !== null) return fail(busy(r.queue));
    return this.move(q, r.processor);
  }

  /**
   * Sets RSS: key, hash types (MRQC, 0 for off), indirection table (RETA: each processor
   * named is mapped to the RSS queue running on it), base processor (RSS queue i moves to
   * base + i, through the same handover as set-queue-processor; without it the RSS queues
   * stay where they are). Everything is checked before anything is written; the request
   * settles once every move has happened.
   */
  setRss(r: RequestOf<"set-rss">): Pending<"set-rss"> {
    const { rss } = this.p;
    const rssQueues = this.rssQueues();
    const base = r.baseProcessor ?? this.rssBase;
    // Where each RSS queue will run once the request is done.
    const targets = rssQueues.map((q, i) =>
      r.baseProcessor === undefined ? q.affinity : this.rssProcessor(i, base),
    );
    const invalid = this.rssError(r, targets);
    if (invalid !== null) return fail(invalid);
    const moving = rssQueues.filter((q, i) => q.affinity !== targets[i]);
    const inTheWay = moving.find((q) => q.handover !== null);
    if (inTheWay !== undefined) return fail(busy(inTheWay.index));
    // Every target processor gets its vector before anything is written, so that running
    // out of vectors fails the request whole instead of leaving it half applied.
    for (const q of moving) {
      const processor = targets[rssQueues.indexOf(q)]!;
      if (this.p.queues.ensureProcessor(processor) === NO_VECTOR) return fail(noVector(processor));
    }
    if (r.key !== undefined) rss.writeKey(r.key);
    if (r.indirection !== undefined) {
      rss.writeTable(r.indirection.map((p) => rssQueues[targets.indexOf(p)]!.index));
    }
    if (r.hashTypes !== undefined) this.rssHashTypes = r.hashTypes;
    rss.writeHashTypes(this.rssHashTypes);
    this.rssBase = base;
    const moves = moving.map((q) => this.move(q, targets[rssQueues.indexOf(q)]!));
    return Promise.all(moves).then((outcomes) => {
      const failed = outcomes.find((o): o is Failure => !o.ok);
      if (failed !== undefined) return failed;
      return succeed({
        enabled: this.rssHashTypes !== 0,
        hashTypes: this.rssHashTypes,
        baseProcessor: base,
        processors: targets,
        reta: rss.readTable(),
      });
    });
  }

  /** Sets a vector's moderation, named directly or as a queue's (shared by its processor's queues). */
  setModeration(r: RequestOf<"set-moderation">): RequestOutcome<"set-moderation"> {
    const vectors = this.p.vectors;
    let vector: number;
    if ("queue" in r) {
      const q = this.activeQueue(r.queue);
      if (isError(q)) return fail(q);
      vector = vectors.vectorOf(q.affinity);
    } else {
      vector = r.vector;
      if (!Number.isInteger(vector) || vectors.processorOfVector(vector) < 0) {
        const inUse = vectors.queueVectors().join(", ");
        const message = `vector ${vector} serves no processor (in use: ${inUse})`;
        return fail({ kind: "vector-out-of-range", vector, message });
      }
    }
    const moderation = vectors.moderation(r.intervalUs);
    if (moderation === null) {
      const message = `interval ${r.intervalUs} us outside 0..${vectors.maxModerationUs} us`;
      return fail({ kind: "moderation-out-of-range", intervalUs: r.intervalUs, message });
    }
    vectors.writeModeration(vector, moderation);
    return succeed({ vector, intervalUs: moderation.intervalUs, units: moderation.units });
  }

  private move(q: QueueContext, processor: number): Pending<"set-queue-processor"> {
    const vector = this.p.queues.ensureProcessor(processor);
    if (vector === NO_VECTOR) return fail(noVector(processor));
    const previousProcessor = q.owner;
    const result = (completedAtTicks: Ticks) =>
      succeed({ queue: q.index, processor, previousProcessor, vector, completedAtTicks });
    if (processor === q.owner) return result(this.p.host.nowTicks());
    return new Promise<RequestOutcome<"set-queue-processor">>((resolve) =>
      this.p.queues.move(q, processor, (at) => resolve(at === null ? fail(halting()) : result(at))),
    );
  }

  private rssQueues(): QueueContext[] {
    const out: QueueContext[] = [];
    for (let i = 0; i < this.p.config.rssQueues; i++) {
      const q = this.p.queues.get(i);
      if (q !== undefined) out.push(q);
    }
    return out;
  }

  /** What is wrong with `r`, given the processors the RSS queues will run on. */
  private rssError(r: RequestOf<"set-rss">, rssProcessors: readonly number[]): DriverError | null {
    const rss = this.p.rss;
    if (r.baseProcessor !== undefined) {
      const invalid = this.processorError(r.baseProcessor);
      if (invalid !== null) return invalid;
    }
    if (r.key !== undefined) {
      const problem = keyProblem(r.key, rss.keyBytes);
      if (problem !== null) return { kind: "bad-rss-key", message: problem };
    }
    if (r.hashTypes !== undefined) {
      const problem = hashTypesProblem(r.hashTypes);
      if (problem !== null) return { kind: "bad-hash-types", message: problem };
    }
    if (r.indirection === undefined) return null;
    const problem = indirectionProblem(r.indirection, rss.retaEntries);
    if (problem !== null) return { kind: "bad-indirection-table", message: problem };
    for (const p of r.indirection) {
      const invalid = this.processorError(p);
      if (invalid !== null) return invalid;
      if (!rssProcessors.includes(p)) {
        const message = `processor ${p} runs no RSS queue (RSS processors: ${rssProcessors.join(", ")})`;
        return { kind: "processor-not-in-rss-set", processor: p, message };
      }
    }
    return null;
  }

  private activeQueue(queue: number): QueueContext | DriverError {
    const q = this.p.queues.get(queue);
    if (q === undefined) {
      return { kind: "unknown-queue", queue, message: `queue ${queue} is not in use` };
    }
    return q.closing ? busy(queue) : q;
  }

  private filterError(
    mac: MacAddress,
    vlan: number | undefined,
    queue: number,
  ): DriverError | null {
    const macIssue = macProblem(mac);
    if (macIssue !== null) return { kind: "bad-mac", message: macIssue };
    const vlanIssue = vlanProblem(vlan);
    if (vlanIssue !== null)
      return { kind: "vlan-out-of-range", vlan: vlan ?? -1, message: vlanIssue };
    const owner = this.p.filters.conflict(mac, vlan, queue);
    if (owner < 0) return null;
    const what = `${formatMac(mac)}${vlan === undefined ? "" : ` VLAN ${vlan}`}`;
    return {
      kind: "filter-in-use",
      queue: owner,
      message: `${what} already steers to queue ${owner}`,
    };
  }

  private processorError(processor: number): DriverError | null {
    const count = this.p.host.processorCount;
    if (Number.isInteger(processor) && processor >= 0 && processor < count) return null;
    const message = `processor ${processor} outside 0..${count - 1}`;
    return { kind: "processor-out-of-range", processor, message };
  }
}

function isError(x: QueueContext | DriverError): x is DriverError {
  return !(x instanceof QueueContext);
}

function busy(queue: number): DriverError {
  return { kind: "queue-busy", queue, message: `queue ${queue} has a move or a free in progress` };
}

function halting(): DriverError {
  return { kind: "not-running", message: "the adapter halted first" };
}

function noFreeFilter(): DriverError {
  return { kind: "no-free-filter", message: "every receive filter is in use" };
}

function noVector(processor: number): DriverError {
  return {
    kind: "no-free-vector",
    processor,
    message: `no MSI-X vector left for processor ${processor}`,
  };
}
