import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { staticProcessorFor } from "../../src/switch/policy/dynamic-vmq.js";
import {
  closestProcessors,
  type ProcessorSetOptions,
  processorDistance,
  resolveProcessorSet,
} from "../../src/switch/policy/processor-set.js";

// ---------------------------------------------------------------------------------------
// Independent oracle: walk every logical processor of the host and keep those the options
// allow (the code under test steps from the base instead).
// ---------------------------------------------------------------------------------------

function oracleProcessors(o: Required<ProcessorSetOptions>): number[] {
  const allowed: number[] = [];
  for (let p = 0; p < o.processors; p++) {
    const isSecondThread = o.hyperThreading && p % 2 === 1;
    if (p >= o.baseProcessor && !isSecondThread && allowed.length < o.maxProcessors) {
      allowed.push(p);
    }
  }
  return allowed;
}

/** Valid options with every field spelled out. */
const validOptions = fc
  .record({
    cores: fc.integer({ min: 1, max: 32 }),
    hyperThreading: fc.boolean(),
    baseCore: fc.nat(),
    maxProcessors: fc.integer({ min: 1, max: 40 }),
    nodeCores: fc.integer({ min: 1, max: 32 }),
  })
  .map(({ cores, hyperThreading, baseCore, maxProcessors, nodeCores }) => {
    const threads = hyperThreading ? 2 : 1;
    return {
      processors: cores * threads,
      baseProcessor: (baseCore % cores) * threads,
      maxProcessors,
      hyperThreading,
      numaNodeSize: nodeCores * threads,
    } satisfies Required<ProcessorSetOptions>;
  });

describe("resolveProcessorSet", () => {
  test.prop([validOptions])("matches the oracle; home is the first", (o) => {
    const set = resolveProcessorSet(o);
    expect(set.processors).toEqual(oracleProcessors(o));
    expect(set.home).toBe(set.processors[0]);
    expect(set.home).toBe(o.baseProcessor);
  });

  test.prop([validOptions.filter((o) => o.hyperThreading)])(
    "with hyper-threading only even processors are used",
    (o) => {
      const set = resolveProcessorSet(o);
      expect(set.processors.every((p) => p % 2 === 0)).toBe(true);
    },
  );

  test.prop([validOptions])("base and maximum count are respected", (o) => {
    const set = resolveProcessorSet(o);
    const usable = o.hyperThreading
      ? (o.processors - o.baseProcessor) / 2
      : o.processors - o.baseProcessor;
    expect(set.processors.length).toBe(Math.min(o.maxProcessors, usable));
    expect(Math.min(...set.processors)).toBe(o.baseProcessor);
    expect(Math.max(...set.processors)).toBeLessThan(o.processors);
  });

  test("defaults: all processors from 0, one NUMA node", () => {
    const set = resolveProcessorSet({ processors: 4 });
    expect(set).toEqual({ processors: [0, 1, 2, 3], home: 0, numaNodeSize: 4 });
    expect(Object.isFrozen(set) && Object.isFrozen(set.processors)).toBe(true);
  });

  test("the field advice: base 2 with hyper-threading skips core 0", () => {
    const set = resolveProcessorSet({ processors: 8, baseProcessor: 2, hyperThreading: true });
    expect(set.processors).toEqual([2, 4, 6]);
    expect(set.home).toBe(2);
  });

  test.each([
    [{ processors: 0 }, "processors"],
    [{ processors: 2.5 }, "processors"],
    [{ processors: 3, hyperThreading: true }, "processors"],
    [{ processors: 4, baseProcessor: 4 }, "baseProcessor"],
    [{ processors: 4, baseProcessor: -1 }, "baseProcessor"],
    [{ processors: 4, baseProcessor: 1, hyperThreading: true }, "baseProcessor"],
    [{ processors: 4, maxProcessors: 0 }, "maxProcessors"],
    [{ processors: 4, maxProcessors: Number.NaN }, "maxProcessors"],
    [{ processors: 4, numaNodeSize: 0 }, "numaNodeSize"],
    [{ processors: 4, numaNodeSize: 3, hyperThreading: true }, "numaNodeSize"],
  ] satisfies [ProcessorSetOptions, string][])("%o is rejected naming %s", (options, name) => {
    expect(() => resolveProcessorSet(options)).toThrow(RangeError);
    expect(() => resolveProcessorSet(options)).toThrow(new RegExp(`^${name} `));
  });
});

describe("processorDistance", () => {
  const pair = validOptions.chain((o) =>
    fc.tuple(
      fc.constant(o),
      fc.integer({ min: 0, max: o.processors - 1 }),
      fc.integer({ min: 0, max: o.processors - 1 }),
      fc.integer({ min: 0, max: o.processors - 1 }),
    ),
  );

  test.prop([pair])(
    "same NUMA node is closer than any other node, then by |a-b|",
    ([o, a, b, c]) => {
      const node = (p: number) => Math.floor(p / o.numaNodeSize);
      const set = resolveProcessorSet(o);
      const d = (x: number, y: number) => processorDistance(set, x, y);
      expect(d(a, a)).toBe(0);
      expect(d(a, b)).toBe(d(b, a));
      const bSame = node(a) === node(b);
      const cSame = node(a) === node(c);
      if (bSame && !cSame) expect(d(a, b)).toBeLessThan(d(a, c));
      if (bSame === cSame) {
        expect(Math.sign(d(a, b) - d(a, c))).toBe(Math.sign(Math.abs(a - b) - Math.abs(a - c)));
      }
    },
  );

  test.prop([validOptions, fc.nat()])(
    "closestProcessors: the set without `from`, same node first, then |a-b|, then lower",
    (o, fromSeed) => {
      const set = resolveProcessorSet(o);
      const from = fromSeed % o.processors;
      const node = (p: number) => Math.floor(p / o.numaNodeSize);
      // Oracle: a plain selection sort with the rule written out.
      const rest = set.processors.filter((p) => p !== from);
      const expected: number[] = [];
      const better = (x: number, y: number) => {
        const nx = node(x) === node(from) ? 0 : 1;
        const ny = node(y) === node(from) ? 0 : 1;
        if (nx !== ny) return nx < ny;
        const dx = Math.abs(x - from);
        const dy = Math.abs(y - from);
        return dx !== dy ? dx < dy : x < y;
      };
      while (rest.length > 0) {
        let best = 0;
        for (let i = 1; i < rest.length; i++) if (better(rest[i]!, rest[best]!)) best = i;
        expected.push(...rest.splice(best, 1));
      }
      expect(closestProcessors(set, from)).toEqual(expected);
    },
  );

  test("example: two nodes of four; from 5, node 1 first, ties to the lower", () => {
    const set = resolveProcessorSet({ processors: 8, numaNodeSize: 4 });
    expect(closestProcessors(set, 5)).toEqual([4, 6, 7, 3, 2, 1, 0]);
  });

  test("negative or fractional processor numbers are rejected", () => {
    const set = resolveProcessorSet({ processors: 4 });
    expect(() => processorDistance(set, -1, 0)).toThrow(RangeError);
    expect(() => processorDistance(set, 0, 1.5)).toThrow(RangeError);
  });
});

describe("staticProcessorFor", () => {
  test.prop([validOptions, fc.integer({ min: 1, max: 5 })])(
    "round robin: k rounds of allocations use every processor k times, in set order",
    (o, rounds) => {
      const set = resolveProcessorSet(o);
      const picks = Array.from({ length: rounds * set.processors.length }, (_, i) =>
        staticProcessorFor(set, i),
      );
      for (let r = 0; r < rounds; r++) {
        const round = picks.slice(r * set.processors.length, (r + 1) * set.processors.length);
        expect(round).toEqual([...set.processors]);
      }
    },
  );

  test("a negative allocation index is rejected", () => {
    expect(() => staticProcessorFor(resolveProcessorSet({ processors: 2 }), -1)).toThrow(
      /allocationIndex/,
    );
  });
});
