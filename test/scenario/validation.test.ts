import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fc, test } from "@fast-check/vitest";
import { afterAll, describe, expect, it } from "vitest";
import {
  BUILTIN_SCENARIOS_DIR,
  listBuiltinScenarios,
  loadScenario,
  parseScenario,
  ScenarioError,
} from "../../src/sim/scenario/index.js";
import { parseJsonText } from "../../src/sim/scenario/json-text.js";
import { type AnyJson, edited, validScenarioJson } from "./fixtures.js";

/** The issues `parseScenario` reports for `json` (failing the test if it accepts it). */
function issuesOf(json: unknown): readonly string[] {
  try {
    parseScenario(json, "test.json");
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    const error = e as ScenarioError;
    // The message lists every issue, after the source.
    expect(error.message.startsWith("test.json: invalid scenario")).toBe(true);
    for (const issue of error.issues) expect(error.message).toContain(issue);
    return error.issues;
  }
  throw new Error("the scenario was accepted");
}

describe("a valid scenario", () => {
  it("is accepted with defaults filled in", () => {
    const s = parseScenario(validScenarioJson());
    expect(s.nic.ringSize).toBe(256);
    expect(s.host.clockHz).toBe(3_000_000_000);
    expect(s.policy.vmq).toBe("static");
    expect(s.traffic.flows[0]!.phases[0]!.untilMs).toBe(20);
    // 50,000 frames/s of 1000 B is 0.4 Gb/s of frame bytes.
    expect(s.traffic.flows[0]!.phases[0]!.rateGbps).toBeCloseTo(0.4, 12);
    expect(s.vms[0]!.mac).toBe("00:15:5d:00:00:10");
  });

  it("generates the missing MAC from the seed: the same seed, the same address", () => {
    const a = parseScenario(validScenarioJson()).vms[1]!;
    const b = parseScenario(validScenarioJson()).vms[1]!;
    const c = parseScenario(edited((j) => (j.seed = 43))).vms[1]!;
    expect(a.macGenerated).toBe(true);
    expect(a.mac).toMatch(/^00:15:5d(:[0-9a-f]{2}){3}$/);
    expect(b.mac).toBe(a.mac);
    expect(c.mac).not.toBe(a.mac);
  });

  it("the example in docs/scenarios.md is a valid scenario", () => {
    const doc = readFileSync(join(BUILTIN_SCENARIOS_DIR, "..", "docs", "scenarios.md"), "utf8");
    const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const s = parseScenario(JSON.parse(example!));
    expect(s.vms.map((vm) => vm.name)).toEqual(["web", "backup"]);
  });

  it("lists and loads every built-in scenario", () => {
    expect(listBuiltinScenarios()).toEqual([
      "elephant-vm",
      "heavy-to-light",
      "light-load",
      "light-to-heavy",
      "more-vms-than-queues",
      "shifting-load",
      "vm-to-vm-mix",
    ]);
    for (const name of listBuiltinScenarios()) {
      const s = loadScenario(join(BUILTIN_SCENARIOS_DIR, `${name}.json`));
      expect(s.name).toBe(name);
      expect(s.host.processors).toBeLessThanOrEqual(8);
    }
  });
});

describe("a bad scenario names the field, the value found and what was expected", () => {
  const cases: [string, (j: AnyJson) => void, string][] = [
    ["missing name", (j) => delete j.name, "name: missing — expected"],
    ["missing duration", (j) => delete j.durationMs, "durationMs: missing — expected"],
    ["missing host", (j) => delete j.host, "host: missing — expected"],
    ["missing processors", (j) => (j.host = {}), "host.processors: missing — expected"],
    ["missing flow field", (j) => delete j.traffic.flows[0].l4, "traffic.flows[0].l4: missing"],
    [
      "missing rate",
      (j) => delete j.traffic.flows[0].phases[0].framesPerSecond,
      "traffic.flows[0].phases[0].rateGbps: missing — expected a rate",
    ],
    [
      "both rates",
      (j) => (j.traffic.flows[0].phases[0].rateGbps = 1),
      "traffic.flows[0].phases[0]: both rateGbps and framesPerSecond",
    ],
    [
      "a string for a number",
      (j) => (j.durationMs = "20"),
      'durationMs: "20" — expected an integer',
    ],
    ["a list for an object", (j) => (j.host = [2]), "host: a list of 1 — expected"],
    ["a fraction of a processor", (j) => (j.host.processors = 1.5), "host.processors: 1.5"],
    [
      "more queues than the NIC has",
      (j) => (j.nic.queues = 256),
      "nic.queues: 256 — expected an integer 1..128",
    ],
    ["more vectors than the NIC has", (j) => (j.nic.vectors = 65), "nic.vectors: 65 — expected"],
    [
      "a VLAN over 4094",
      (j) => (j.vms[1].vlan = 5000),
      "vms[1].vlan: 5000 — expected an integer 1..4094",
    ],
    [
      "an odd link speed",
      (j) => (j.nic.linkSpeedGbps = 5),
      "nic.linkSpeedGbps: 5 — expected one of 1, 10, 25, 40, 100",
    ],
    [
      "a ring not a multiple of 8",
      (j) => (j.nic.ringSize = 100),
      "nic.ringSize: 100 — expected a multiple of 8",
    ],
    [
      "an unknown policy",
      (j) => (j.policy.vmq = "dynamc"),
      'policy.vmq: "dynamc" — expected one of "none", "static", "dynamic" (did you mean "dynamic"?)',
    ],
    [
      "an unknown key (typo)",
      (j) => {
        j.vms[1].vlna = 3;
      },
      'vms[1].vlna: unknown key — expected one of "name", "mac", "vlan"',
    ],
    ["a typo at the top", (j) => (j.durationMS = 5), '(did you mean "durationMs"?)'],
    [
      "a port kind that does not exist",
      (j) => (j.vms[0].kind = "guest"),
      'vms[0].kind: "guest" — expected one of "vm", "host"',
    ],
    [
      "an unknown VM in a flow",
      (j) => (j.traffic.flows[0].to = "vm9"),
      'traffic.flows[0].to: "vm9" — expected "wire" or the name of a VM (vm0, vm1)',
    ],
    [
      "a flow from the wire to the wire",
      (j) => (j.traffic.flows[0].to = "wire"),
      "traffic.flows[0].to",
    ],
    [
      "duplicate MACs on a VLAN",
      (j) => (j.vms[1].mac = "00:15:5D:00:00:10"),
      'vms[1].mac: "00:15:5D:00:00:10" — expected an address no other VM on VLAN 10 has (vms[0] has it)',
    ],
    [
      "a group MAC",
      (j) => (j.vms[1].mac = "01:00:5e:00:00:01"),
      'vms[1].mac: "01:00:5e:00:00:01" — expected a unicast',
    ],
    [
      "duplicate VM names",
      (j) => (j.vms[1].name = "vm0"),
      'vms[1].name: "vm0" — expected a name no other VM has',
    ],
    [
      "a frame smaller than its headers and signature",
      (j) => (j.traffic.flows[0].phases[0].frameBytes = 60),
      // 14 Ethernet + 4 tag + 20 IPv4 + 8 UDP + 20 signature = 66.
      "traffic.flows[0].phases[0].frameBytes: 60 — expected 66..1518",
    ],
    [
      "a tagged frame over 1518 without LSO",
      (j) => (j.traffic.flows[0].phases[0].frameBytes = 1600),
      "traffic.flows[0].phases[0].frameBytes: 1600 — expected 66..1518",
    ],
    [
      "LSO on a flow from the wire",
      (j) => (j.traffic.flows[0].lsoMss = 1460),
      "traffic.flows[0].lsoMss: 1460 — expected no lsoMss here",
    ],
    [
      "a VM-to-VM flow across VLANs",
      (j) => {
        j.vms[1].vlan = 20;
        j.traffic.flows[0].from = "vm1";
      },
      'traffic.flows[0].to: "vm0" — expected a VM on the sender\'s VLAN',
    ],
    [
      "a send processor the host lacks",
      (j) => (j.vms[0].sendProcessor = 2),
      "vms[0].sendProcessor: 2 — expected a processor 0..1",
    ],
    [
      "a phase after the end of the run",
      (j) => (j.traffic.flows[0].phases[0].atMs = 25),
      "traffic.flows[0].phases[0].atMs: 25 — expected a time before durationMs (20)",
    ],
    [
      "phases out of order",
      (j) => {
        const p = j.traffic.flows[0].phases;
        p.push({ ...p[0], atMs: 10 }, { ...p[0], atMs: 5 });
      },
      "traffic.flows[0].phases[2].atMs: 5 — expected a time at or after the previous phase's end",
    ],
    [
      "a VM leaving before it joins",
      (j) => Object.assign(j.vms[1], { joinAtMs: 10, leaveAtMs: 5 }),
      "vms[1].leaveAtMs: 5 — expected a time after joinAtMs (10)",
    ],
    [
      "thresholds in the wrong order",
      (j) => (j.policy.dynamic = { lowerThreshold: 0.9 }),
      "policy.dynamic: lowerThreshold (0.9) must be below packingCeiling (0.6)",
    ],
    [
      "a moderation profile that does not increase",
      (j) => (j.policy.moderation = { kind: "adaptive", profileUs: [8, 4] }),
      "policy.moderation.profileUs[1]: 4 — expected greater than profileUs[0]",
    ],
    [
      "a base processor outside the host",
      (j) => (j.policy.processorSet = { baseProcessor: 2 }),
      "policy.processorSet.baseProcessor: 2 — expected a processor 0..1",
    ],
    [
      "an odd processor count with hyper-threading",
      (j) => {
        j.host.processors = 3;
        j.host.hyperThreading = true;
      },
      "host.processors: 3 — expected an even count with hyperThreading",
    ],
    [
      "an unknown cost",
      (j) => (j.host.costs = { rxCycles: 5 }),
      "host.costs.rxCycles: unknown key",
    ],
    [
      "a negative switch cost",
      (j) => (j.switchCosts = { lookupCycles: -1 }),
      "switchCosts.lookupCycles: -1 — expected a number 0..1000000000",
    ],
  ];
  it.each(cases)("%s", (_what, edit, expected) => {
    const issues = issuesOf(edited(edit));
    expect(issues.join("\n")).toContain(expected);
  });

  it("reports every problem at once", () => {
    const issues = issuesOf(
      edited((j) => {
        j.nic.queues = 0;
        j.vms[0].vlan = 0;
        delete j.name;
      }),
    );
    expect(issues).toHaveLength(3);
  });

  it("a rate above line rate, one flow: names its rate and the most the link carries", () => {
    // 10 Gb/s carries 10e9 / ((1514 + 24) * 8) frames per second: 9.844 Gb/s of 1514-byte frames.
    const max = (10e9 / ((1514 + 24) * 8)) * 1514 * 8;
    expect(max / 1e9).toBeCloseTo(9.844, 3);
    const issues = issuesOf(
      edited((j) => {
        j.traffic.flows[0].phases[0] = { atMs: 0, rateGbps: 9.9, frameBytes: 1514 };
      }),
    );
    expect(issues).toEqual([
      expect.stringContaining(
        "traffic.flows[0].phases[0].rateGbps: 9.9 — expected at most 9.844 Gb/s: 1514 B frames on a 10 Gb/s link",
      ),
    ]);
    // Exactly the line rate is fine.
    expect(() =>
      parseScenario(
        edited((j) => {
          j.traffic.flows[0].phases[0] = {
            atMs: 0,
            framesPerSecond: 10e9 / (1538 * 8),
            frameBytes: 1514,
          };
        }),
      ),
    ).not.toThrow();
  });

  it("a rate above line rate, flows together: names the stretch of time and the flows", () => {
    const issues = issuesOf(
      edited((j) => {
        const f = j.traffic.flows[0];
        f.phases = [{ atMs: 0, untilMs: 10, rateGbps: 5, frameBytes: 1514 }];
        j.traffic.flows.push({
          ...f,
          to: "vm1",
          phases: [{ atMs: 5, rateGbps: 5, frameBytes: 1514 }],
        });
      }),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(
      /^traffic\.flows: from 5 ms to 10 ms the flows from the wire need 10\.159 Gb\/s .*traffic\.flows\[0\]\.phases\[0\].*traffic\.flows\[1\]\.phases\[0\].* — expected at most the link's 10 Gb\/s/,
    );
  });

  it("a VM that has left takes no wire load: the same rates in turn are fine", () => {
    expect(() =>
      parseScenario(
        edited((j) => {
          j.vms[0].leaveAtMs = 10;
          j.vms[1].joinAtMs = 10;
          const f = j.traffic.flows[0];
          f.phases = [{ atMs: 0, rateGbps: 9, frameBytes: 1514 }];
          j.traffic.flows.push({ ...f, to: "vm1" });
        }),
      ),
    ).not.toThrow();
  });
});

describe("files", () => {
  const dir = mkdtempSync(join(tmpdir(), "nicsim-scenario-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const errorOf = (path: string): ScenarioError => {
    try {
      loadScenario(path);
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      return e as ScenarioError;
    }
    throw new Error("accepted");
  };

  it("a JSON syntax error gives its line and column", () => {
    const path = write("trailing-comma.json", '{\n  "name": "x",\n  "seed": 1,\n}\n');
    const e = errorOf(path);
    expect(e.issues).toEqual([
      "line 4, column 1: expected a property name in double quotes, found '}'",
    ]);
    expect(e.message).toContain(path);
  });

  it.each([
    ['{"name": }', "line 1, column 10: expected a value, found '}'"],
    [
      '{"name": "x"\n "seed": 1}',
      "line 2, column 2: expected '}' or ',' after a property value, found '\"'",
    ],
    ['{"name": "x', "line 1, column 10: unterminated string"],
    ["", "line 1, column 1: the file is empty"],
    ["{} {}", "line 1, column 4: unexpected '{' after the JSON value"],
    ['{"a": 01}', "line 1, column 8: a malformed number"],
    ['{"a": True}', "line 1, column 7: expected a value, found 'True'"],
  ])("syntax: %j", (text, expected) => {
    const issue = errorOf(write("bad.json", text)).issues[0]!;
    expect(issue.startsWith(expected), issue).toBe(true);
  });

  it("a key given twice is an error (JSON.parse would keep the last silently)", () => {
    const e = errorOf(write("twice.json", '{\n  "name": "a",\n  "name": "b"\n}'));
    expect(e.issues).toEqual(['line 3, column 3: duplicate key "name" (first at line 2)']);
  });

  it("a file that is not there", () => {
    expect(errorOf(join(dir, "absent.json")).issues).toEqual(["cannot read the file (ENOENT)"]);
  });

  it("valid JSON text parses as JSON.parse does", () => {
    const path = write("ok.json", JSON.stringify(validScenarioJson(), null, 2));
    expect(loadScenario(path).name).toBe("fixture");
  });

  test.prop([fc.json({ maxDepth: 4 })])("any JSON text: the same value as JSON.parse", (text) => {
    // The scanner decides syntax on its own; JSON.parse is the oracle for what is JSON.
    expect(parseJsonText(text)).toEqual({ ok: true, value: JSON.parse(text) });
    try {
      loadScenario(write("any.json", text));
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      // Accepted text never yields a syntax issue (only content issues, which have paths).
      for (const issue of (e as ScenarioError).issues) expect(issue).not.toMatch(/^line \d+/);
    }
  });

  test.prop([fc.json({ maxDepth: 3 }), fc.nat(), fc.constantFrom(",", "}", "]", ":", '"', "x")])(
    "text broken by one character: a ScenarioError with a line and column, or still valid JSON",
    (text, at, junk) => {
      const i = at % (text.length + 1);
      const broken = text.slice(0, i) + junk + text.slice(i);
      let valid = true;
      try {
        JSON.parse(broken);
      } catch {
        valid = false;
      }
      try {
        loadScenario(write("broken.json", broken));
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError);
        const first = (e as ScenarioError).issues[0]!;
        if (!valid) expect(first).toMatch(/^line \d+, column \d+: /);
        return;
      }
      expect(valid).toBe(true);
    },
  );
});

/** An issue: a path (names, [index], ["odd key"]) or "(scenario)", a colon, the rest. */
const KEY = String.raw`(?:[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])`;
const ISSUE = new RegExp(String.raw`^(?:\(scenario\)|${KEY}(?:\.${KEY}|${KEY})*): .+`);

describe("robustness", () => {
  it("a key that is not an identifier is quoted in the path (found by the property below)", () => {
    // Counterexample [["traffic","flows"],[{" ":""}]], seed -1749138952.
    const issues = issuesOf(edited((j) => (j.traffic.flows = [{ " ": "" }])));
    expect(issues).toContain(
      'traffic.flows[0][" "]: unknown key — expected one of "name", "from", "to", "ip", "l4", "connections", "lsoMss", "phases"',
    );
    for (const issue of issues) expect(issue).toMatch(ISSUE);
  });

  /** Every path to a value in `json`. */
  function paths(json: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    if (json === null || typeof json !== "object") return [prefix];
    const entries = Array.isArray(json)
      ? json.map((v, i) => [i, v] as const)
      : Object.entries(json);
    return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
  }
  const all = paths(validScenarioJson()).filter((p) => p.length > 0);

  test.prop([fc.constantFrom(...all), fc.jsonValue({ maxDepth: 2 })])(
    "any field replaced by any JSON value: accepted, or a ScenarioError whose issues name paths",
    (path, value) => {
      const json = edited((j) => {
        let at: AnyJson = j;
        for (const k of path.slice(0, -1)) at = at[k];
        at[path.at(-1)!] = value;
      });
      try {
        parseScenario(json);
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError);
        const issues = (e as ScenarioError).issues;
        expect(issues.length).toBeGreaterThan(0);
        for (const issue of issues) expect(issue).toMatch(ISSUE);
      }
    },
  );
});
