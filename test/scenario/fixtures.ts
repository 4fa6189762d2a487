/** A small valid scenario, as JSON, for tests to run or to break one field at a time. */
export function validScenarioJson(): Record<string, unknown> {
  return {
    name: "fixture",
    description: "two VMs, traffic both ways",
    seed: 42,
    durationMs: 20,
    host: { processors: 2 },
    nic: { queues: 4, vectors: 4, linkSpeedGbps: 10 },
    vms: [
      { name: "vm0", mac: "00:15:5d:00:00:10", vlan: 10 },
      { name: "vm1", vlan: 10 },
    ],
    traffic: {
      flows: [
        {
          from: "wire",
          to: "vm0",
          ip: 4,
          l4: "udp",
          connections: 2,
          phases: [{ atMs: 0, framesPerSecond: 50_000, frameBytes: 1000 }],
        },
      ],
    },
    policy: { vmq: "static" },
  };
}

/** Scenario JSON as tests poke at it: any field, any shape. */
// biome-ignore lint/suspicious/noExplicitAny: tests reach into arbitrary fields of the JSON
export type AnyJson = any;

/** A deep copy of `json` with `edit` applied to it. */
export function edited(
  edit: (json: AnyJson) => void,
  json: Record<string, unknown> = validScenarioJson(),
): Record<string, unknown> {
  const copy = structuredClone(json);
  edit(copy);
  return copy;
}
