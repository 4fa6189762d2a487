import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { parseScenario, ScenarioError } from "../../src/sim/scenario/index.js";

// Flows from the wire share the link: at any moment the wire time their frames need (frame,
// 4 B FCS, 8 B preamble and delimiter, 12 B gap) must fit the link. The oracle: the most the
// flows need together is reached at the start of some phase, so it is enough to add up, at
// each phase start, every phase running then.

interface Phase {
  atMs: number;
  lengthMs: number;
  framesPerSecond: number;
  frameBytes: number;
}

const LINK_GBPS = 10;

function scenarioWith(phases: readonly Phase[]) {
  return {
    name: "line-rate",
    durationMs: 40,
    host: { processors: 1 },
    nic: { linkSpeedGbps: LINK_GBPS },
    vms: [{ name: "a" }, { name: "b" }],
    traffic: {
      flows: phases.map((p, i) => ({
        from: "wire",
        to: i % 2 === 0 ? "a" : "b",
        ip: 4,
        l4: "udp",
        phases: [
          {
            atMs: p.atMs,
            untilMs: p.atMs + p.lengthMs,
            framesPerSecond: p.framesPerSecond,
            frameBytes: p.frameBytes,
          },
        ],
      })),
    },
  };
}

/** The most wire bits per second the phases need at once. */
function peakBitsPerSecond(phases: readonly Phase[]): number {
  let peak = 0;
  for (const start of phases) {
    const t = start.atMs;
    let sum = 0;
    for (const p of phases) {
      if (p.atMs <= t && t < p.atMs + p.lengthMs)
        sum += p.framesPerSecond * (p.frameBytes + 24) * 8;
    }
    peak = Math.max(peak, sum);
  }
  return peak;
}

const phase = fc.record({
  atMs: fc.integer({ min: 0, max: 30 }),
  lengthMs: fc.integer({ min: 1, max: 10 }),
  framesPerSecond: fc.integer({ min: 0, max: 900_000 }),
  // 14 + 20 + 8 headers and the 20-byte signature: 62 at least.
  frameBytes: fc.integer({ min: 62, max: 1514 }),
});

describe("line rate", () => {
  test.prop([fc.array(phase, { minLength: 1, maxLength: 5 })])(
    "rejected exactly when the flows from the wire need more than the link at some moment",
    (phases) => {
      const peak = peakBitsPerSecond(phases);
      const capacity = LINK_GBPS * 1e9;
      // Away from the boundary, where rounding could go either way.
      fc.pre(Math.abs(peak - capacity) > capacity * 1e-6);
      let issues: readonly string[] = [];
      try {
        parseScenario(scenarioWith(phases));
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError);
        issues = (e as ScenarioError).issues;
      }
      if (peak > capacity) {
        expect(issues.length).toBeGreaterThan(0);
        for (const issue of issues)
          expect(issue).toMatch(/^traffic\.flows(\[\d+\]\.phases\[0\]\.framesPerSecond)?: /);
      } else {
        expect(issues).toEqual([]);
      }
    },
  );

  test.prop([fc.constantFrom(1, 10, 25, 40, 100), fc.integer({ min: 62, max: 1514 })])(
    "one flow: exactly line rate passes, 0.1% more is refused",
    (gbps, frameBytes) => {
      const lineFps = (gbps * 1e9) / ((frameBytes + 24) * 8);
      const json = (fps: number) => {
        const s = scenarioWith([{ atMs: 0, lengthMs: 40, framesPerSecond: fps, frameBytes }]);
        return { ...s, nic: { linkSpeedGbps: gbps } };
      };
      expect(() => parseScenario(json(lineFps))).not.toThrow();
      expect(() => parseScenario(json(lineFps * 1.001))).toThrow(ScenarioError);
    },
  );
});
