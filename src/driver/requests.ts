import type { Ticks } from "../kernel/ticks.js";
import type { MacAddress } from "./filters.js";
import type { Statistics } from "./statistics.js";

/**
 * Requests to the driver, in the spirit of NDIS OIDs: one discriminated union, each
 * answered with a typed result or a typed error. Every request may pend (NDIS_STATUS_
 * PENDING): `Adapter.request` returns a promise, settled in simulated time.
 */
export type DriverRequest =
  | { readonly kind: "query-capabilities" }
  | {
      readonly kind: "allocate-queue";
      readonly mac: MacAddress;
      readonly vlan?: number;
      readonly processor: number;
    }
  | { readonly kind: "free-queue"; readonly queue: number }
  | {
      readonly kind: "set-filter";
      readonly queue: number;
      readonly mac: MacAddress;
      readonly vlan?: number;
    }
  | { readonly kind: "set-queue-processor"; readonly queue: number; readonly processor: number }
  | {
      readonly kind: "set-rss";
      /** 40 secret-key bytes. */
      readonly key?: readonly number[];
      /** NDIS_HASH_* flags (`RSS_HASH`); 0 turns RSS off. */
      readonly hashTypes?: number;
      /** Processors, a power-of-two count up to 128; each must run an RSS queue. */
      readonly indirection?: readonly number[];
      /** The first RSS processor: RSS queue i moves to processor base + i. */
      readonly baseProcessor?: number;
    }
  | ({ readonly kind: "set-moderation"; readonly intervalUs: number } & (
      | { readonly queue: number }
      | { readonly vector: number }
    ))
  | { readonly kind: "query-statistics" };

export type RequestKind = DriverRequest["kind"];

/** What the driver and device can do. */
export interface Capabilities {
  readonly queues: number;
  readonly vectors: number;
  readonly processors: number;
  /** Queues reserved for RSS (queue 0, the default queue, is the first). */
  readonly rssQueues: number;
  /** VMQ queues still free to allocate. */
  readonly freeVmqQueues: number;
  readonly filters: number;
  readonly rxRingSize: number;
  readonly txRingSize: number;
  readonly rxBufferBytes: number;
  /** The largest frame sent without segmentation. */
  readonly maxSendBytes: number;
  /** The largest LSO payload. */
  readonly maxLsoPayloadBytes: number;
  /** NDIS_HASH_* flags the device hashes. */
  readonly rssHashTypes: number;
  readonly rssKeyBytes: number;
  readonly indirectionEntries: number;
  /** EITR's unit and largest interval, in microseconds. */
  readonly moderationUnitUs: number;
  readonly maxModerationUs: number;
  /** The vector for other causes (faults), or -1. */
  readonly miscVector: number;
}

/** Results by request kind. */
export interface RequestResults {
  "query-capabilities": Capabilities;
  "allocate-queue": {
    readonly queue: number;
    readonly processor: number;
    /** The MSI-X table entry the queue's interrupts use (NDIS asks the miniport for it). */
    readonly vector: number;
    readonly filter: number;
  };
  "free-queue": { readonly queue: number };
  "set-filter": { readonly queue: number; readonly filter: number };
  "set-queue-processor": {
    readonly queue: number;
    readonly processor: number;
    readonly previousProcessor: number;
    readonly vector: number;
    /** When the handover happened (in the old processor's DPC). */
    readonly completedAtTicks: Ticks;
  };
  "set-rss": {
    readonly enabled: boolean;
    readonly hashTypes: number;
    readonly baseProcessor: number;
    /** RSS queue i runs on `processors[i]`. */
    readonly processors: readonly number[];
    /** The queue each RETA entry names (128). */
    readonly reta: readonly number[];
  };
  "set-moderation": {
    readonly vector: number;
    /** The interval EITR holds, rounded to its 2.048 us unit. */
    readonly intervalUs: number;
    readonly units: number;
  };
  "query-statistics": Statistics;
}

/** Why a request failed. Each carries a message for people. */
export type DriverError =
  | { readonly kind: "not-running"; readonly message: string }
  | { readonly kind: "no-free-queue"; readonly message: string }
  | { readonly kind: "no-free-filter"; readonly message: string }
  | { readonly kind: "no-free-vector"; readonly processor: number; readonly message: string }
  | { readonly kind: "unknown-queue"; readonly queue: number; readonly message: string }
  | { readonly kind: "default-queue-cannot-be-freed"; readonly message: string }
  | { readonly kind: "rss-queue-cannot-be-freed"; readonly queue: number; readonly message: string }
  | { readonly kind: "queue-busy"; readonly queue: number; readonly message: string }
  | { readonly kind: "bad-mac"; readonly message: string }
  | { readonly kind: "filter-in-use"; readonly queue: number; readonly message: string }
  | { readonly kind: "vlan-out-of-range"; readonly vlan: number; readonly message: string }
  | {
      readonly kind: "processor-out-of-range";
      readonly processor: number;
      readonly message: string;
    }
  | {
      readonly kind: "processor-not-in-rss-set";
      readonly processor: number;
      readonly message: string;
    }
  | { readonly kind: "bad-rss-key"; readonly message: string }
  | { readonly kind: "bad-hash-types"; readonly message: string }
  | { readonly kind: "bad-indirection-table"; readonly message: string }
  | { readonly kind: "vector-out-of-range"; readonly vector: number; readonly message: string }
  | {
      readonly kind: "moderation-out-of-range";
      readonly intervalUs: number;
      readonly message: string;
    }
  | { readonly kind: "timeout"; readonly message: string };

export type DriverErrorKind = DriverError["kind"];

/** A request that succeeded, with its result. */
export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}

/** A request that failed, and why. */
export interface Failure {
  readonly ok: false;
  readonly error: DriverError;
}

/** A request's outcome: its result, or why it failed. */
export type RequestOutcome<K extends RequestKind> = Success<RequestResults[K]> | Failure;

/** Narrows the request union to one kind. */
export type RequestOf<K extends RequestKind> = Extract<DriverRequest, { kind: K }>;

export function succeed<T>(value: T): Success<T> {
  return { ok: true, value };
}

export function fail(error: DriverError): Failure {
  return { ok: false, error };
}
