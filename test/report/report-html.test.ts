import { fc, test } from "@fast-check/vitest";
import { beforeAll, describe, expect } from "vitest";
import { TICKS_PER_MS } from "../../src/kernel/ticks.js";
import { renderReport } from "../../src/report/index.js";
import type { Sample } from "../../src/sim/metrics/metrics-sampler.js";
import type { RunSummary } from "../../src/sim/metrics/run-summary.js";
import { VMQ_POLICY_NAMES } from "../../src/switch/vmq/vmq-policy.js";
import { cpu, realRun, samplesOf, syntheticSummary } from "./fixtures.js";
import { count, externalReferences, nestingProblems } from "./html-check.js";

const SCENARIO = { name: "three VMs", description: "a test", durationMs: 40, seed: 7 };
const CHARTS = ["utilisation", "queues", "interrupts", "latency"] as const;

describe("the HTML report of real runs", () => {
  let summaries: RunSummary[] = [];
  let html = "";

  beforeAll(async () => {
    summaries = [];
    for (const policy of VMQ_POLICY_NAMES) summaries.push(await realRun(policy));
    html = renderReport({ scenario: SCENARIO, summaries, generator: "nicsim test" });
  });

  test("is well-formed: every element, every <svg> among them, opens and closes in order", () => {
    expect(nestingProblems(html)).toEqual([]);
    expect(count(html, "<svg ")).toBe(count(html, "</svg>"));
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
  });

  test("reaches nothing outside the page: no URL, no script, no stylesheet link", () => {
    expect(externalReferences(html)).toEqual([]);
  });

  test("has the comparison table with a column per policy and the rows the CLI shows", () => {
    expect(count(html, '<table class="comparison">')).toBe(1);
    for (const policy of VMQ_POLICY_NAMES) expect(html).toContain(`<th scope="col">${policy}</th>`);
    for (const label of ["frames injected", "frames delivered", "interrupts per second"]) {
      expect(html).toContain(`<th scope="row">${label}</th>`);
    }
    for (let p = 0; p < 4; p++) expect(html).toContain(`cpu${p} utilisation (%)`);
  });

  test("has one chart of each kind per policy", () => {
    for (const chart of CHARTS) {
      for (const policy of VMQ_POLICY_NAMES) {
        const figure = `<figure data-chart="${chart}" data-policy="${policy}">`;
        expect(count(html, figure), figure).toBe(1);
        const start = html.indexOf(figure);
        const end = html.indexOf("</figure>", start);
        expect(html.slice(start, end), figure).toContain("<svg ");
      }
    }
  });

  test("is deterministic: the same summaries, copied, give the same bytes", () => {
    const copies = structuredClone(summaries);
    expect(renderReport({ scenario: SCENARIO, summaries: copies, generator: "nicsim test" })).toBe(
      html,
    );
  });

  test("is deterministic across runs: the same run twice gives the same page", async () => {
    const again = await realRun("static");
    const page = (s: RunSummary) => renderReport({ scenario: SCENARIO, summaries: [s] });
    expect(page(again)).toBe(page(summaries[1]!));
  });
});

describe("the report's charts, on hand-made samples", () => {
  test("the queue strips show each stay on a processor with its times", () => {
    // q1 on cpu0 for three periods, then cpu1 for two; q2 only in the last two periods.
    const placements = [{ 1: 0 }, { 1: 0 }, { 1: 0 }, { 1: 1, 2: 0 }, { 1: 1, 2: 0 }];
    const html = renderReport({
      scenario: SCENARIO,
      summaries: [syntheticSummary("dynamic", samplesOf(placements))],
    });
    expect(html).toContain("<title>dynamic: q1 on cpu0 from 0 ms to 30 ms</title>");
    expect(html).toContain("<title>dynamic: q1 on cpu1 from 30 ms to 50 ms</title>");
    expect(html).toContain("<title>dynamic: q2 on cpu0 from 30 ms to 50 ms</title>");
    expect(html.match(/<title>dynamic: q\d+ on cpu/g)).toHaveLength(3);
  });

  test("a processor's strip stacks its ISR, DPC and switch shares", () => {
    const samples: Sample[] = [0, 1].map((i) => ({
      atTicks: (i + 1) * 10 * TICKS_PER_MS,
      processors: [cpu(0.1, 0.3, 0.2, 5), cpu(0, 0, 0, 0)],
      queueProcessor: { 0: 0 },
      drops: {},
    }));
    const html = renderReport({
      scenario: SCENARIO,
      summaries: [syntheticSummary("none", samples)],
    });
    for (const kind of ["ISR", "DPC", "switch"]) {
      expect(count(html, `<title>none: cpu0 ${kind} time</title>`)).toBe(1);
      // An idle processor draws no bands at all.
      expect(count(html, `<title>none: cpu1 ${kind} time</title>`)).toBe(0);
    }
  });

  test("drops over time are drawn, with or without drops in the run", () => {
    const withDrops = samplesOf([{ 0: 0 }, { 0: 0 }], 2, (i) => ({
      drops: { "nic-missed": i * 50 },
    }));
    const drawn = renderReport({
      scenario: SCENARIO,
      summaries: [syntheticSummary("none", withDrops)],
    });
    expect(count(drawn, '<figure data-chart="drops" data-policy="none">')).toBe(1);
    expect(drawn).toContain("<title>drops per second, none: nic-missed</title>");

    const plain = renderReport({
      scenario: SCENARIO,
      summaries: [syntheticSummary("none", samplesOf([{ 0: 0 }]))],
    });
    expect(count(plain, '<figure data-chart="drops" data-policy="none">')).toBe(1);
  });

  test("latency bars are labelled with p50 and p99 in microseconds per queue", () => {
    const summary = syntheticSummary("static", samplesOf([{ 0: 0 }]), {
      perQueue: [
        { queue: 0, frames: 10, p50Ns: 2_500, p99Ns: 9_000 },
        { queue: -1, frames: 4, p50Ns: 700, p99Ns: 1_200 },
      ],
    });
    const html = renderReport({ scenario: SCENARIO, summaries: [summary] });
    expect(html).toContain("<title>static: q0 p50 2.5 us</title>");
    expect(html).toContain("<title>static: q0 p99 9.0 us</title>");
    expect(html).toContain("<title>static: VM to VM p99 1.2 us</title>");
    expect(html).toContain("<title>static: all p99 48.0 us</title>");
  });

  test("all text is escaped: a hostile scenario name and description stay text", () => {
    const hostile = {
      name: `<script>alert("x")</script>`,
      description: `a & b <img src=x onerror='y'>`,
      durationMs: 1,
    };
    const html = renderReport({
      scenario: hostile,
      summaries: [syntheticSummary(`<b>"p"</b>`, samplesOf([{ 0: 0 }]))],
    });
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("a &amp; b &lt;img src=x onerror=&#39;y&#39;&gt;");
    expect(nestingProblems(html)).toEqual([]);
  });
});

/** Samples with arbitrary shares, interrupt counts and placements, possibly irregular. */
const arbitrarySamples = fc
  .tuple(
    fc.integer({ min: 1, max: 4 }),
    fc.array(
      fc.record({
        gapTicks: fc.integer({ min: 0, max: 50 * TICKS_PER_MS }),
        shares: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
          minLength: 12,
          maxLength: 12,
        }),
        interrupts: fc.array(fc.nat(100_000), { minLength: 4, maxLength: 4 }),
        placement: fc.dictionary(
          fc.integer({ min: 0, max: 7 }).map(String),
          fc.integer({ min: 0, max: 3 }),
        ),
      }),
      { minLength: 0, maxLength: 40 },
    ),
  )
  .map(([processors, rows]) => {
    let at = 0;
    return rows.map((r): Sample => {
      at += r.gapTicks;
      return {
        atTicks: at,
        processors: Array.from({ length: processors }, (_, p) =>
          cpu(
            r.shares[3 * p]! / 3,
            r.shares[3 * p + 1]! / 3,
            r.shares[3 * p + 2]! / 3,
            r.interrupts[p]!,
          ),
        ),
        queueProcessor: Object.fromEntries(
          Object.entries(r.placement).map(([q, p]) => [Number(q), p % processors]),
        ),
        drops: {},
      };
    });
  });

describe("the report on arbitrary samples", () => {
  test.prop([arbitrarySamples], { numRuns: 60 })(
    "is well-formed, finite everywhere and deterministic",
    (samples) => {
      const summaries = VMQ_POLICY_NAMES.map((p) => syntheticSummary(p, samples));
      const html = renderReport({ scenario: SCENARIO, summaries });
      expect(nestingProblems(html)).toEqual([]);
      expect(html).not.toMatch(/NaN|Infinity/);
      expect(externalReferences(html)).toEqual([]);
      expect(renderReport({ scenario: SCENARIO, summaries: structuredClone(summaries) })).toBe(
        html,
      );
    },
  );
});
