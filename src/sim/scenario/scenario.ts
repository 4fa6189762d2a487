import type { CostModel } from "../../host/host-services.js";
import type { ModerationPolicy } from "../../switch/moderation/moderation-policy.js";
import type { DynamicVmqParams } from "../../switch/policy/dynamic-vmq.js";
import type { SwitchCostModel } from "../../switch/switch-costs.js";
import type { VmqPolicyName } from "../../switch/vmq/vmq-policy.js";

export type { VmqPolicyName };

/**
 * A validated scenario, every default filled in: what `parseScenario` returns and
 * `runScenario` runs. The JSON format it comes from is described in docs/scenarios.md.
 * Times are milliseconds of simulated time from the start of the run.
 */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Seeds everything random the scenario adds (generated MAC addresses). */
  readonly seed: number;
  readonly durationMs: number;
  readonly host: ScenarioHost;
  readonly nic: ScenarioNic;
  readonly vms: readonly ScenarioVm[];
  readonly traffic: { readonly flows: readonly ScenarioFlow[] };
  readonly policy: ScenarioPolicy;
  /** Overrides of the switch's cost model (src/switch/switch-costs.ts). */
  readonly switchCosts: Partial<SwitchCostModel>;
  /** Where the scenario was read from, when it came from a file. */
  readonly source?: string;
}

export interface ScenarioHost {
  readonly processors: number;
  readonly clockHz: number;
  /**
   * Logical processors 2k and 2k+1 are one core's threads; VMQ uses the even ones only.
   * The host model has no SMT contention: both threads run at full speed.
   */
  readonly hyperThreading: boolean;
  /** Overrides of the host's cost model (src/host/host.ts DEFAULT_COST_MODEL). */
  readonly costs: Partial<CostModel>;
}

/** Link speeds the NIC model supports, in Gb/s. */
export const LINK_SPEEDS_GBPS = [1, 10, 25, 40, 100] as const;
export type LinkSpeedGbps = (typeof LINK_SPEEDS_GBPS)[number];

export interface ScenarioNic {
  /** Receive/transmit queue pairs; queue 0 is the default queue, the rest are for VMQ. */
  readonly queues: number;
  readonly vectors: number;
  readonly linkSpeedGbps: LinkSpeedGbps;
  readonly rxPacketBufferKiB: number;
  /** Descriptors per receive and per transmit ring. */
  readonly ringSize: number;
  readonly rxBufferBytes: number;
  /** The driver's interrupt moderation of every queue vector, until the switch sets one. */
  readonly moderationUs: number;
}

export interface ScenarioVm {
  readonly name: string;
  /** "aa:bb:cc:dd:ee:ff", lower case (generated from the seed when the file gave none). */
  readonly mac: string;
  readonly macGenerated: boolean;
  /** The VLAN the VM's port is an access port of; absent: untagged. */
  readonly vlan?: number;
  /** The processor the VM's sends are processed on; absent: the switch's default. */
  readonly sendProcessor?: number;
  readonly joinAtMs: number;
  /** When the VM goes away; absent: it stays to the end. */
  readonly leaveAtMs?: number;
  /** "host": the management OS's own vNIC on the switch (the host port); default "vm". */
  readonly kind: "vm" | "host";
}

/** "wire" (the peer at the far end of the NIC's link) or a VM's name. */
export type Endpoint = string;

export interface ScenarioFlow {
  readonly name: string;
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly ip: 4 | 6;
  readonly l4: "tcp" | "udp";
  /** Distinct 5-tuples (source ports) the flow cycles through. */
  readonly connections: number;
  /** Large sends cut into segments of this many payload bytes (TCP from a VM only). */
  readonly lsoMss?: number;
  readonly phases: readonly ScenarioPhase[];
}

export interface ScenarioPhase {
  readonly atMs: number;
  /** End (exclusive): as given, else the next phase's start, else the end of the run. */
  readonly untilMs: number;
  /** Frame bytes (FCS excluded) sent per second, in Gb/s (computed when fps was given). */
  readonly rateGbps: number;
  /** Frames per second (computed when rateGbps was given). */
  readonly framesPerSecond: number;
  /** Bytes per frame, FCS excluded; a large send's whole size for LSO flows. */
  readonly frameBytes: number;
  /** Frames sent back to back at each emission; the average rate is kept. */
  readonly burstFrames: number;
}

export interface ScenarioPolicy {
  /** The policy `nicsim run` uses when none is asked for. */
  readonly vmq: VmqPolicyName;
  readonly processorSet: {
    readonly baseProcessor?: number;
    readonly maxProcessors?: number;
    readonly numaNodeSize?: number;
  };
  /** Overrides of dynamic VMQ's parameters (DEFAULT_DYNAMIC_VMQ_PARAMS). */
  readonly dynamic: Partial<DynamicVmqParams>;
  /** Dynamic VMQ's measurement interval. */
  readonly intervalMs: number;
  /** How the switch moderates queue vectors; absent: the driver's fixed `nic.moderationUs`. */
  readonly moderation?: ModerationPolicy;
}
