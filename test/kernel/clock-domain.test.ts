import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClockDomain } from "../../src/kernel/clock-domain.js";

// Independent oracles: exact rational arithmetic with BigInt, straight from the definition
// "edge n of a clock of `hz` hertz is at floor(n * 1e12 / hz) picoseconds".

const PS_PER_S = 1_000_000_000_000n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** The largest tick the tests use (~2.5 simulated hours). */
const MAX_TEST_TICK = 9_000_000_000_000_000;

const REAL_HZ = [
  156_250_000, // 10GBASE-R PCS clock
  250_000_000, // PCIe Gen2 core clock
  3_000_000_000, // CPU core
  2_600_000_000, // CPU core
  10_000_000_000, // 10 Gb/s bit clock
  25_000_000_000, // 25 Gb/s bit clock
  100_000_000_000, // 100 Gb/s bit clock
] as const;

function bgcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** Oracle: edge n of a `num/den`-tick clock. */
function edgeOf(num: bigint, den: bigint, n: bigint): bigint {
  return (n * num) / den; // operands are non-negative, so BigInt division is floor
}

/** Oracle: edge n of an `hz` clock. */
function hzEdge(hz: number, n: bigint): bigint {
  return edgeOf(PS_PER_S, BigInt(hz), n);
}

/**
 * Oracle: does the clock hold its period exactly, per the documented limit (the reduced
 * fraction's numerator times denominator must fit in a safe integer)?
 */
function representable(num: bigint, den: bigint): boolean {
  const g = bgcd(num, den);
  return (num / g) * (den / g) <= MAX_SAFE;
}

/** The smallest cycle whose edge is at or after `tick` (every period is >= 1 tick here). */
function firstCycleAtOrAfter(num: bigint, den: bigint, tick: bigint): bigint {
  // edge(n) >= tick  <=>  n * num >= tick * den  (tick is an integer)  <=>  n >= ceil(tick*den/num)
  return (tick * den + num - 1n) / num;
}

const realHz = fc.constantFrom(...REAL_HZ);
/** Frequencies with few significant digits (the kind real designs use): always representable. */
const roundHz = fc
  .tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 0, max: 8 }))
  .map(([m, e]) => m * 10 ** e)
  .filter((hz) => hz >= 1_000_000 && hz <= 5_000_000_000);
/** Any integer frequency in range; most of these are too fine to hold exactly and must throw. */
const anyHz = fc.integer({ min: 1_000_000, max: 5_000_000_000 });
const validHz = fc.oneof(realHz, roundHz, fc.constantFrom(1, 1_000, 1_000_000_000_000));

/** A cycle number whose edge is at most MAX_TEST_TICK, biased towards small and huge. */
function cycleFor(hz: number): fc.Arbitrary<bigint> {
  const maxCycle = (BigInt(MAX_TEST_TICK) * BigInt(hz)) / PS_PER_S;
  return fc.oneof(
    fc.bigInt({ min: 0n, max: 10_000n < maxCycle ? 10_000n : maxCycle }),
    fc.bigInt({ min: 0n, max: maxCycle }),
    fc.bigInt({ min: maxCycle - 1000n > 0n ? maxCycle - 1000n : 0n, max: maxCycle }),
  );
}

const tickArb = fc.oneof(
  fc.integer({ min: 0, max: 100_000 }),
  fc.integer({ min: 0, max: MAX_TEST_TICK }),
  fc.integer({ min: MAX_TEST_TICK - 1_000_000, max: MAX_TEST_TICK }),
);

const hzAndCycle = validHz.chain((hz) => fc.tuple(fc.constant(hz), cycleFor(hz)));
const hzAndTick = fc.tuple(validHz, tickArb);

describe("ClockDomain.fromHz", () => {
  it("edgeTick(n) is floor(n * 1e12 / hz) exactly", () => {
    fc.assert(
      fc.property(hzAndCycle, ([hz, n]) => {
        const clock = ClockDomain.fromHz("c", hz);
        expect(BigInt(clock.edgeTick(Number(n)))).toBe(hzEdge(hz, n));
      }),
      { numRuns: 2000 },
    );
  });

  it("any integer frequency either is exact or is rejected as too fine", () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyHz, fc.bigInt({ min: 0n, max: 1n << 40n }), (hz, n) => {
        if (!representable(PS_PER_S, BigInt(hz))) {
          expect(() => ClockDomain.fromHz("c", hz)).toThrow(RangeError);
          return;
        }
        accepted++;
        const clock = ClockDomain.fromHz("c", hz);
        const cycle = n % ((BigInt(MAX_TEST_TICK) * BigInt(hz)) / PS_PER_S);
        expect(BigInt(clock.edgeTick(Number(cycle)))).toBe(hzEdge(hz, cycle));
      }),
      { numRuns: 1000 },
    );
    // Some of the random frequencies (e.g. multiples of 2^k * 5^k) are representable.
    expect(accepted).toBeGreaterThan(0);
  });

  it("holds frequencies with many significant digits when the reduced period is small", () => {
    // 1e12 / 999_999_937 (a prime) does not reduce: 1e12 * 999_999_937 > 2^53.
    expect(() => ClockDomain.fromHz("c", 999_999_937)).toThrow(RangeError);
    // 1_953_125 = 5^9 divides 1e12: the period reduces to 512_000 / 1 ticks.
    const c = ClockDomain.fromHz("c", 1_953_125);
    expect(c.periodNum).toBe(512_000);
    expect(c.periodDen).toBe(1);
  });

  it("cycleAtOrBefore(t) is the cycle n with edge(n) <= t < edge(n + 1)", () => {
    fc.assert(
      fc.property(hzAndTick, ([hz, t]) => {
        const clock = ClockDomain.fromHz("c", hz);
        const n = clock.cycleAtOrBefore(t);
        expect(Number.isSafeInteger(n)).toBe(true);
        const bn = BigInt(n);
        const bt = BigInt(t);
        expect(hzEdge(hz, bn) <= bt).toBe(true);
        expect(hzEdge(hz, bn + 1n) > bt).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("cycleAtOrBefore(edgeTick(n)) is n, and n - 1 just before the edge", () => {
    fc.assert(
      fc.property(hzAndCycle, ([hz, n]) => {
        const clock = ClockDomain.fromHz("c", hz);
        const edge = Number(hzEdge(hz, n));
        expect(clock.cycleAtOrBefore(edge)).toBe(Number(n));
        if (n > 0n) expect(clock.cycleAtOrBefore(edge - 1)).toBe(Number(n - 1n));
      }),
      { numRuns: 1000 },
    );
  });

  it("nextEdgeAfter(t) is an edge after t with no edge in between", () => {
    fc.assert(
      fc.property(hzAndTick, ([hz, t]) => {
        const clock = ClockDomain.fromHz("c", hz);
        const e = BigInt(clock.nextEdgeAfter(t));
        const bt = BigInt(t);
        const num = PS_PER_S;
        const den = BigInt(hz);
        expect(e > bt).toBe(true);
        const n = firstCycleAtOrAfter(num, den, e);
        expect(edgeOf(num, den, n)).toBe(e); // e is an edge
        expect(n === 0n || edgeOf(num, den, n - 1n) <= bt).toBe(true); // none in (t, e)
      }),
      { numRuns: 2000 },
    );
  });

  it("edgeAtOrAfter(t) is t on an edge, else the next edge", () => {
    fc.assert(
      fc.property(
        validHz.chain((hz) =>
          fc.tuple(
            fc.constant(hz),
            fc.oneof(
              tickArb,
              cycleFor(hz).map((n) => Number(hzEdge(hz, n))), // exactly on an edge
            ),
          ),
        ),
        ([hz, t]) => {
          const clock = ClockDomain.fromHz("c", hz);
          const e = BigInt(clock.edgeAtOrAfter(t));
          const bt = BigInt(t);
          const num = PS_PER_S;
          const den = BigInt(hz);
          expect(e >= bt).toBe(true);
          const n = firstCycleAtOrAfter(num, den, e);
          expect(edgeOf(num, den, n)).toBe(e);
          expect(n === 0n || edgeOf(num, den, n - 1n) < bt).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("edgeAfterCycles(t, k) is k edges after the last edge at or before t", () => {
    fc.assert(
      fc.property(hzAndTick, fc.integer({ min: 0, max: 1_000_000 }), ([hz, t], k) => {
        const clock = ClockDomain.fromHz("c", hz);
        const e = BigInt(clock.edgeAfterCycles(t, k));
        // Find the last edge at or before t independently.
        const den = BigInt(hz);
        let n = firstCycleAtOrAfter(PS_PER_S, den, BigInt(t));
        if (edgeOf(PS_PER_S, den, n) > BigInt(t)) n -= 1n;
        expect(e).toBe(edgeOf(PS_PER_S, den, n + BigInt(k)));
      }),
      { numRuns: 1000 },
    );
  });

  it("does not drift: edge k*hz is exactly k seconds, up to 2 simulated hours", () => {
    const mismatches: string[] = [];
    for (const hz of REAL_HZ) {
      const clock = ClockDomain.fromHz("c", hz);
      for (let k = 0; k <= 7200; k++) {
        const edge = clock.edgeTick(k * hz);
        if (edge !== k * 1_000_000_000_000) mismatches.push(`${hz} Hz edge(${k * hz}) = ${edge}`);
        const cycle = clock.cycleAtOrBefore(k * 1_000_000_000_000);
        if (cycle !== k * hz) mismatches.push(`${hz} Hz cycleAtOrBefore(${k} s) = ${cycle}`);
      }
    }
    expect(mismatches).toEqual([]);
    fc.assert(
      fc.property(validHz, fc.integer({ min: 0, max: 7200 }), (hz, k) => {
        const clock = ClockDomain.fromHz("c", hz);
        expect(clock.edgeTick(k * hz)).toBe(k * 1_000_000_000_000);
      }),
      { numRuns: 2000 },
    );
  });

  it("one second of cycles always spans exactly 1e12 ticks", () => {
    fc.assert(
      fc.property(
        validHz.chain((hz) => {
          const maxCycle = (BigInt(MAX_TEST_TICK) * BigInt(hz)) / PS_PER_S;
          return fc.tuple(fc.constant(hz), fc.bigInt({ min: 0n, max: maxCycle - BigInt(hz) }));
        }),
        ([hz, n]) => {
          const clock = ClockDomain.fromHz("c", hz);
          const a = clock.edgeTick(Number(n));
          const b = clock.edgeTick(Number(n) + hz);
          expect(b - a).toBe(1_000_000_000_000);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("the 3 GHz example from the docs", () => {
    const cpu = ClockDomain.fromHz("cpu0", 3_000_000_000);
    expect(cpu.edgeTick(1)).toBe(333);
    expect(cpu.edgeTick(2)).toBe(666);
    expect(cpu.edgeTick(3)).toBe(1000);
    expect(cpu.periodNum).toBe(1000);
    expect(cpu.periodDen).toBe(3);
    expect(cpu.hz).toBe(3_000_000_000);
    expect(cpu.periodTicks).toBeCloseTo(333.333333, 5);
    expect(cpu.nextEdgeAfter(0)).toBe(333);
    expect(cpu.nextEdgeAfter(333)).toBe(666);
    expect(cpu.nextEdgeAfter(999)).toBe(1000);
    expect(cpu.edgeAtOrAfter(334)).toBe(666);
    expect(cpu.edgeAtOrAfter(666)).toBe(666);
    expect(cpu.cycleAtOrBefore(332)).toBe(0);
    expect(cpu.cycleAtOrBefore(333)).toBe(1);
  });

  it("reports its frequency and period", () => {
    fc.assert(
      fc.property(validHz, (hz) => {
        const clock = ClockDomain.fromHz("c", hz);
        // periodNum / periodDen is 1e12 / hz, reduced.
        const num = BigInt(clock.periodNum);
        const den = BigInt(clock.periodDen);
        expect(bgcd(num, den)).toBe(1n);
        expect(num * BigInt(hz)).toBe(den * PS_PER_S);
        expect(clock.hz / hz).toBeCloseTo(1, 12);
        expect((clock.periodTicks * hz) / 1e12).toBeCloseTo(1, 12);
        expect(clock.name).toBe("c");
      }),
    );
  });

  it("rejects zero, negative, non-integer and unsafe frequencies", () => {
    for (const hz of [0, -1, -156_250_000, 1.5, 156_250_000.5, Number.NaN, Infinity, -Infinity]) {
      expect(() => ClockDomain.fromHz("bad", hz)).toThrow(RangeError);
    }
    expect(() => ClockDomain.fromHz("bad", 2 ** 53)).toThrow(RangeError);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ max: 0 }),
          fc.double({ noNaN: false }).filter((x) => !Number.isSafeInteger(x)),
        ),
        (hz) => {
          expect(() => ClockDomain.fromHz("bad", hz)).toThrow(RangeError);
        },
      ),
    );
  });
});

describe("ClockDomain.fromPeriod", () => {
  it("an integer period p has edges at n * p", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: MAX_TEST_TICK }),
        (p, n, t) => {
          const clock = ClockDomain.fromPeriod("p", p);
          expect(clock.periodNum).toBe(p);
          expect(clock.periodDen).toBe(1);
          expect(clock.periodTicks).toBe(p);
          expect(clock.edgeTick(n)).toBe(n * p);
          expect(clock.cycleAtOrBefore(t)).toBe(Math.floor(t / p));
          expect(clock.nextEdgeAfter(t)).toBe((Math.floor(t / p) + 1) * p);
          expect(clock.edgeAtOrAfter(t)).toBe(Math.ceil(t / p) * p);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("a rational period num/den has edges at floor(n * num / den)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.bigInt({ min: 0n, max: 1n << 40n }),
        tickArb,
        (num, den, rawCycle, t) => {
          fc.pre(num >= den); // a period of at least one tick
          const clock = ClockDomain.fromPeriod("p", num, den);
          const bnum = BigInt(num);
          const bden = BigInt(den);
          const g = bgcd(bnum, bden);
          // Keep the edge within the range of ticks a number holds exactly.
          const n = rawCycle % ((BigInt(MAX_TEST_TICK) * bden) / bnum + 1n);
          expect(BigInt(clock.periodNum)).toBe(bnum / g);
          expect(BigInt(clock.periodDen)).toBe(bden / g);
          expect(BigInt(clock.edgeTick(Number(n)))).toBe(edgeOf(bnum, bden, n));
          const c = BigInt(clock.cycleAtOrBefore(t));
          expect(edgeOf(bnum, bden, c) <= BigInt(t)).toBe(true);
          expect(edgeOf(bnum, bden, c + 1n) > BigInt(t)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("a period of exactly one tick has an edge on every tick", () => {
    const clock = ClockDomain.fromPeriod("ps", 1);
    expect(clock.hz).toBe(1e12);
    for (const t of [0, 1, 2, 12_345, MAX_TEST_TICK]) {
      expect(clock.cycleAtOrBefore(t)).toBe(t);
      expect(clock.edgeTick(t)).toBe(t);
      expect(clock.nextEdgeAfter(t)).toBe(t + 1);
      expect(clock.edgeAtOrAfter(t)).toBe(t);
    }
  });

  it("rejects zero, negative and non-integer periods", () => {
    const bad: [number, number][] = [
      [0, 1],
      [-1, 1],
      [-6400, 1],
      [1.5, 1],
      [Number.NaN, 1],
      [Infinity, 1],
      [10, 0],
      [10, -1],
      [10, 1.5],
      [10, Number.NaN],
      [2 ** 53, 1],
    ];
    for (const [num, den] of bad) {
      expect(() => ClockDomain.fromPeriod("bad", num, den)).toThrow(RangeError);
    }
    expect(() => ClockDomain.fromPeriod("bad", 0)).toThrow(RangeError);
    expect(() => ClockDomain.fromPeriod("bad", -5)).toThrow(RangeError);
    expect(() => ClockDomain.fromPeriod("bad", 2.5)).toThrow(RangeError);
  });
});
