import type { Scenario, ScenarioFlow, ScenarioVm } from "./scenario.js";
import { WIRE } from "./schema-vms.js";

/** Something that happens at a time in a run: a VM comes or goes, a flow starts or stops. */
export type TimelineEvent =
  | { readonly kind: "stop-flow"; readonly atMs: number; readonly flow: ScenarioFlow }
  | { readonly kind: "leave"; readonly atMs: number; readonly vm: ScenarioVm }
  | { readonly kind: "join"; readonly atMs: number; readonly vm: ScenarioVm }
  | { readonly kind: "start-flow"; readonly atMs: number; readonly flow: ScenarioFlow };

/** At one time: flows stop before their VM leaves; a VM joins before its flows start. */
const ORDER: Record<TimelineEvent["kind"], number> = {
  "stop-flow": 0,
  leave: 1,
  join: 2,
  "start-flow": 3,
};

/**
 * The run's events in time order. A flow runs while both its ends exist: from the later
 * of their joins to the earlier of their leaves (the wire is always there). A flow whose
 * ends never coexist never starts.
 */
export function timeline(scenario: Scenario): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  const byName = new Map(scenario.vms.map((vm) => [vm.name, vm]));
  for (const vm of scenario.vms) {
    events.push({ kind: "join", atMs: vm.joinAtMs, vm });
    if (vm.leaveAtMs !== undefined) events.push({ kind: "leave", atMs: vm.leaveAtMs, vm });
  }
  for (const flow of scenario.traffic.flows) {
    const ends = [flow.from, flow.to].filter((e) => e !== WIRE).map((e) => byName.get(e)!);
    const start = Math.max(...ends.map((vm) => vm.joinAtMs));
    const stop = Math.min(...ends.map((vm) => vm.leaveAtMs ?? Number.POSITIVE_INFINITY));
    if (stop <= start) continue;
    events.push({ kind: "start-flow", atMs: start, flow });
    if (stop !== Number.POSITIVE_INFINITY) events.push({ kind: "stop-flow", atMs: stop, flow });
  }
  // The sort is stable: equal events keep the scenario's order.
  return events.sort((a, b) => a.atMs - b.atMs || ORDER[a.kind] - ORDER[b.kind]);
}
