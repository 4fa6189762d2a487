import { TICKS_PER_MS } from "../kernel/ticks.js";
import type { RunSummary } from "../sim/metrics/run-summary.js";

/** What the JSON output and the report say about the scenario that was run. */
export interface ScenarioInfo {
  readonly name: string;
  readonly description: string;
  /** How long traffic ran, in simulated milliseconds. */
  readonly durationMs: number;
  readonly seed?: number | undefined;
}

/** One policy's results in `--json` output. */
export interface PolicyJson {
  readonly policy: string;
  readonly durationMs: number;
  readonly injected: number;
  readonly delivered: number;
  readonly dropped: Readonly<Record<string, number>>;
  readonly droppedTotal: number;
  readonly inFlight: number;
  readonly throughputGbps: number;
  readonly interruptsPerSecond: number;
  readonly framesPerInterrupt: number;
  readonly processorUtilization: readonly number[];
  readonly processorUtilizationByKind: RunSummary["processorUtilizationByKind"];
  readonly processorsUsed: number;
  readonly latencyNs: RunSummary["latencyNs"];
  readonly queueMoves: number;
  readonly outOfOrder: number;
  readonly duplicates: number;
  readonly perQueue: RunSummary["perQueue"];
  readonly perVector: RunSummary["perVector"];
  /** Only with `--json-full`: the time series and every queue move. */
  readonly samples?: RunSummary["samples"];
  readonly moves?: RunSummary["moves"];
}

/** The whole `--json` document, for `run` (one policy) and `compare` (three). */
export interface RunsJson {
  readonly scenario: ScenarioInfo;
  readonly policies: readonly PolicyJson[];
}

/**
 * The JSON form of a set of runs. Without `full` it leaves out the per-sample time
 * series and the move log, which can run to megabytes and belong in the report.
 */
export function runsJson(
  scenario: ScenarioInfo,
  summaries: readonly RunSummary[],
  full = false,
): RunsJson {
  return { scenario, policies: summaries.map((s) => policyJson(s, full)) };
}

function policyJson(s: RunSummary, full: boolean): PolicyJson {
  const base: PolicyJson = {
    policy: s.policy,
    durationMs: s.durationTicks / TICKS_PER_MS,
    injected: s.injected,
    delivered: s.delivered,
    dropped: sortedRecord(s.dropped),
    droppedTotal: s.droppedTotal,
    inFlight: s.inFlight,
    throughputGbps: s.receiveGbps,
    interruptsPerSecond: s.interruptsPerSecond,
    framesPerInterrupt: s.framesPerInterrupt,
    processorUtilization: s.processorUtilization,
    processorUtilizationByKind: s.processorUtilizationByKind,
    processorsUsed: s.processorsUsed,
    latencyNs: s.latencyNs,
    queueMoves: s.queueMoves,
    outOfOrder: s.outOfOrder,
    duplicates: s.duplicates,
    perQueue: s.perQueue,
    perVector: s.perVector,
  };
  return full ? { ...base, samples: s.samples, moves: s.moves } : base;
}

/** The same record with its keys in sorted order, so the JSON text is stable. */
function sortedRecord(record: Readonly<Record<string, number>>): Record<string, number> {
  const sorted: Record<string, number> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = record[key]!;
  return sorted;
}
