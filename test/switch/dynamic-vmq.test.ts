import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  addQueue,
  DEFAULT_DYNAMIC_VMQ_INTERVAL_MS,
  DEFAULT_DYNAMIC_VMQ_PARAMS,
  type DynamicVmqMeasurement,
  type DynamicVmqParams,
  type DynamicVmqState,
  dynamicVmqStep,
  initialDynamicVmqState,
  NEVER_MOVED,
  type ProcessorCounters,
  type QueueMove,
  removeQueue,
  type VmqQueueState,
  validateDynamicVmqParams,
} from "../../src/switch/policy/dynamic-vmq.js";
import { type ProcessorSet, resolveProcessorSet } from "../../src/switch/policy/processor-set.js";

// ---------------------------------------------------------------------------------------
// Generators. Loads are multiples of 1/64 and EWMA weights multiples of 1/4, so every
// smoothed load and every sum is exact in binary floating point: the oracle below may add
// in any order and still agree bit for bit with the code at the thresholds. Dependent
// values (a processor of the set, a threshold above another) are derived from free seeds
// with `map`, so shrinking stays simple and always terminates.
// ---------------------------------------------------------------------------------------

interface Scenario {
  readonly set: ProcessorSet;
  readonly params: DynamicVmqParams;
  readonly state: DynamicVmqState;
  readonly measured: DynamicVmqMeasurement;
}

interface ScenarioOptions {
  /** Only one processor in the set. */
  readonly single?: boolean;
  /** Some queues may sit on processors outside the set. */
  readonly outside?: boolean;
  /** Smallest upIntervals to draw. */
  readonly minUp?: number;
  /** Keep every `over` counter of the input state below upIntervals - 1. */
  readonly belowUp?: boolean;
  /** Every processor has been below the lower threshold long enough to pack. */
  readonly packReady?: boolean;
}

const HOST_MAX = 8;
const nat = (max: number) => fc.integer({ min: 0, max });
const seed = fc.nat();
/** Picks from a range [min, max] with a free seed. */
const within = (s: number, min: number, max: number) => min + (s % (max - min + 1));

function setArb(single = false): fc.Arbitrary<ProcessorSet> {
  return fc
    .record({
      processors: fc.integer({ min: 1, max: HOST_MAX }),
      base: seed,
      max: fc.integer({ min: 1, max: HOST_MAX }),
      numaNodeSize: fc.integer({ min: 1, max: HOST_MAX }),
    })
    .map((r) =>
      resolveProcessorSet({
        processors: r.processors,
        baseProcessor: r.base % r.processors,
        maxProcessors: single ? 1 : r.max,
        numaNodeSize: r.numaNodeSize,
      }),
    );
}

function paramsArb(minUp = 1): fc.Arbitrary<DynamicVmqParams> {
  return fc
    .record({
      lower: nat(45),
      upper: seed,
      ceiling: seed,
      up: fc.integer({ min: minUp, max: Math.max(minUp, 4) }),
      down: fc.integer({ min: 1, max: 6 }),
      cooldown: nat(4),
      weight: fc.constantFrom(1, 0.75, 0.5, 0.25),
    })
    .map((r) => {
      const upper = within(r.upper, Math.max(50, r.lower + 1), 100);
      const ceiling = within(r.ceiling, r.lower + 1, upper);
      return {
        upperThreshold: upper / 100,
        lowerThreshold: r.lower / 100,
        packingCeiling: ceiling / 100,
        upIntervals: r.up,
        downIntervals: r.down,
        cooldownIntervals: r.cooldown,
        ewmaWeight: r.weight,
      };
    });
}

/** How many intervals ago a queue last moved, or null for never. */
const lastMoveArb = fc.option(fc.integer({ min: 1, max: 7 }));
const lastMoveAt = (interval: number, ago: number | null) =>
  ago === null ? NEVER_MOVED : interval - ago;

const rawQueueArb = fc.record({
  id: nat(30),
  outside: fc.boolean(),
  processor: seed,
  load: fc.option(nat(64)), // null: not sampled yet
  lastMove: lastMoveArb,
  sample: fc.option(nat(64)), // null: missing from the measurement
});

const countersArb = fc.array(fc.option(fc.record({ over: nat(9), under: nat(7) })), {
  minLength: 13,
  maxLength: 13,
});

function scenarioArb(options: ScenarioOptions = {}): fc.Arbitrary<Scenario> {
  return fc
    .record({
      set: setArb(options.single),
      params: paramsArb(options.minUp),
      interval: nat(20),
      queues: fc.uniqueArray(rawQueueArb, { maxLength: 10, selector: (q) => q.id }),
      other: fc.array(fc.option(nat(40)), { minLength: HOST_MAX, maxLength: HOST_MAX }),
      counters: countersArb,
    })
    .map((r) => {
      const { set, params, interval } = r;
      const queues: Record<number, VmqQueueState> = {};
      const queueLoads: Record<number, number> = {};
      for (const q of r.queues) {
        const outside = options.outside === true && q.outside;
        queues[q.id] = {
          processor: outside
            ? q.processor % 13
            : set.processors[q.processor % set.processors.length]!,
          load: (q.load ?? 0) / 64,
          sampled: q.load !== null,
          lastMoveInterval: lastMoveAt(interval, q.lastMove),
        };
        if (q.sample !== null) queueLoads[q.id] = q.sample / 64;
      }
      const otherLoads: Record<number, number> = {};
      for (const p of set.processors) {
        const other = r.other[p];
        if (other !== undefined && other !== null) otherLoads[p] = other / 64;
      }
      const carrying = Object.values(queues).map((q) => q.processor);
      const overLimit = options.belowUp === true ? params.upIntervals - 2 : 9;
      const processors: Record<number, ProcessorCounters> = {};
      for (const p of new Set([...set.processors, ...carrying])) {
        const c = options.packReady === true ? { over: 0, under: 9 } : r.counters[p];
        if (c !== undefined && c !== null) {
          processors[p] = { over: c.over % (overLimit + 1), under: c.under };
        }
      }
      return {
        set,
        params,
        state: { interval, queues, processors },
        measured: { queueLoads, otherLoads },
      };
    });
}

/** Scenario (1): every processor carrying queues sits between the thresholds, steadily. */
const bandArb = fc
  .record({
    set: setArb(),
    params: paramsArb(),
    interval: nat(20),
    perProcessor: fc.array(
      fc.record({
        queues: nat(4),
        total: seed,
        cuts: fc.array(seed, { minLength: 4, maxLength: 4 }),
        lastMoves: fc.array(lastMoveArb, { minLength: 4, maxLength: 4 }),
        idleOther: nat(128),
        idGap: fc.integer({ min: 1, max: 3 }),
      }),
      { minLength: HOST_MAX, maxLength: HOST_MAX },
    ),
    counters: countersArb,
  })
  .map((r): Scenario => {
    const { set, params, interval } = r;
    const lo = Math.ceil(params.lowerThreshold * 256);
    const hi = Math.floor(params.upperThreshold * 256);
    const queues: Record<number, VmqQueueState> = {};
    const queueLoads: Record<number, number> = {};
    const otherLoads: Record<number, number> = {};
    let id = 0;
    for (const p of set.processors) {
      const g = r.perProcessor[p]!;
      if (g.queues === 0) {
        otherLoads[p] = g.idleOther / 64; // no queues: any other load at all
        continue;
      }
      // Split a total in [lower, upper] into the queues' loads and the other load, in
      // 1/256ths; a steady sample (sample = smoothed load) keeps each queue's load exact.
      const total = within(g.total, lo, hi);
      const cuts = g.cuts
        .slice(0, g.queues)
        .map((c) => c % (total + 1))
        .sort((a, b) => a - b);
      const bounds = [0, ...cuts, total];
      for (let j = 0; j < g.queues; j++) {
        const load = (bounds[j + 1]! - bounds[j]!) / 256;
        const lastMoveInterval = lastMoveAt(interval, g.lastMoves[j] ?? null);
        queues[id] = { processor: p, load, sampled: true, lastMoveInterval };
        queueLoads[id] = load;
        id += g.idGap;
      }
      otherLoads[p] = (bounds[g.queues + 1]! - bounds[g.queues]!) / 256;
    }
    const processors: Record<number, ProcessorCounters> = {};
    for (const p of set.processors) {
      const c = r.counters[p];
      if (c !== undefined && c !== null) processors[p] = c;
    }
    return {
      set,
      params,
      state: { interval, queues, processors },
      measured: { queueLoads, otherLoads },
    };
  });

/** Scenario (4): queues placed in the set, then a run of random measurements. */
const runArb = fc.record({
  set: setArb(),
  params: paramsArb(),
  placement: fc.array(seed, { minLength: 1, maxLength: 8 }),
  steps: fc.array(
    fc.record({
      queueLoads: fc.array(nat(48), { minLength: 8, maxLength: 8 }),
      otherLoads: fc.array(nat(16), { minLength: HOST_MAX, maxLength: HOST_MAX }),
    }),
    { minLength: 5, maxLength: 30 },
  ),
});

// ---------------------------------------------------------------------------------------
// Independent oracle: the rules written out directly over plain maps.
// ---------------------------------------------------------------------------------------

type Assignment = Map<number, number>;

function oracleSmoothed(s: Scenario): Map<number, number> {
  const w = s.params.ewmaWeight;
  const smoothed = new Map<number, number>();
  for (const [key, q] of Object.entries(s.state.queues)) {
    const sample = s.measured.queueLoads[Number(key)] ?? 0;
    smoothed.set(Number(key), q.sampled ? w * sample + (1 - w) * q.load : sample);
  }
  return smoothed;
}

function assignmentOf(state: DynamicVmqState): Assignment {
  return new Map(Object.entries(state.queues).map(([k, q]) => [Number(k), q.processor]));
}

/** Applies moves in order, checking each starts where the queue is. */
function replay(start: Assignment, moves: readonly QueueMove[]): Assignment {
  const a = new Map(start);
  for (const m of moves) {
    expect(a.get(m.queue)).toBe(m.from);
    a.set(m.queue, m.to);
  }
  return a;
}

function loadOn(
  a: Assignment,
  smoothed: ReadonlyMap<number, number>,
  other: Readonly<Record<number, number>>,
  p: number,
): number {
  let sum = other[p] ?? 0;
  for (const [q, at] of a) if (at === p) sum += smoothed.get(q)!;
  return sum;
}

const countOn = (a: Assignment, p: number) => [...a.values()].filter((at) => at === p).length;

function movableIn(s: Scenario, queue: number): boolean {
  const last = s.state.queues[queue]!.lastMoveInterval;
  return s.state.interval - last > s.params.cooldownIntervals;
}

/** Everything the properties need about one scenario's step. */
function analyse(s: Scenario) {
  const { moves, state } = dynamicVmqStep(s.state, s.measured, s.set, s.params);
  const smoothed = oracleSmoothed(s);
  const other = s.measured.otherLoads ?? {};
  const a0 = assignmentOf(s.state);
  const load0 = (p: number) => loadOn(a0, smoothed, other, p);
  const before = (p: number) => s.state.processors[p] ?? { over: 0, under: 0 };
  const over = (p: number) => (load0(p) > s.params.upperThreshold ? before(p).over + 1 : 0);
  const under = (p: number) => (load0(p) < s.params.lowerThreshold ? before(p).under + 1 : 0);
  return { moves, state, smoothed, other, a0, load0, over, under };
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

describe("dynamicVmqStep properties", () => {
  test.prop([bandArb])(
    "(1) no move when every processor carrying queues is between the thresholds",
    (s) => {
      expect(dynamicVmqStep(s.state, s.measured, s.set, s.params).moves).toEqual([]);
    },
  );

  test.prop([scenarioArb()], { numRuns: 400 })(
    "(2) spread: only qualifying processors shed, they shed when something fits, targets stay at or under the upper threshold",
    (s) => {
      const { moves, smoothed, other, a0, load0, over } = analyse(s);
      const upper = s.params.upperThreshold;
      const inSet = new Set(s.set.processors);
      const qualifies = (p: number) =>
        inSet.has(p) && over(p) >= s.params.upIntervals && load0(p) > upper && countOn(a0, p) > 1;
      const spreads = moves.filter((m) => m.reason === "spread");
      for (const m of spreads) {
        expect(qualifies(m.from)).toBe(true);
        expect(movableIn(s, m.queue)).toBe(true);
      }

      // The first qualifying processor sees the loads as measured; if one of its movable
      // queues fits anywhere, it must shed.
      const first = s.set.processors.find(qualifies);
      if (first !== undefined) {
        const fits = [...a0]
          .filter(([q, p]) => p === first && movableIn(s, q))
          .some(([q]) =>
            s.set.processors.some((t) => t !== first && load0(t) + smoothed.get(q)! <= upper),
          );
        if (fits) expect(spreads.some((m) => m.from === first)).toBe(true);
      }

      // Targets end at or under the threshold (packing later adds only up to the ceiling).
      const aFinal = replay(a0, moves);
      for (const m of spreads) {
        expect(loadOn(aFinal, smoothed, other, m.to)).toBeLessThanOrEqual(upper);
      }

      // After spreading, every qualifying processor is relieved, alone, or stuck.
      const aSpread = replay(a0, spreads);
      const loadS = (p: number) => loadOn(aSpread, smoothed, other, p);
      for (const p of s.set.processors.filter(qualifies)) {
        const relieved = loadS(p) <= upper;
        const alone = countOn(aSpread, p) <= 1;
        const stuck = ![...aSpread]
          .filter(([q, at]) => at === p && a0.get(q) === p && movableIn(s, q))
          .some(([q]) =>
            s.set.processors.some((t) => t !== p && loadS(t) + smoothed.get(q)! <= upper),
          );
        expect(relieved || alone || stuck).toBe(true);
      }
    },
  );

  test.prop([fc.oneof(scenarioArb(), scenarioArb({ packReady: true }))], { numRuns: 400 })(
    "(3) packing never pushes a target above the packing ceiling",
    (s) => {
      const { moves, smoothed, other, a0, load0, under } = analyse(s);
      const aFinal = replay(a0, moves);
      const involvedBeforePack = new Set(
        moves.filter((m) => m.reason !== "pack").flatMap((m) => [m.from, m.to]),
      );
      let a = new Map(a0);
      for (const m of moves) {
        if (m.reason === "pack") {
          expect(m.from).not.toBe(s.set.home);
          expect(involvedBeforePack.has(m.from)).toBe(false);
          expect(under(m.from)).toBeGreaterThanOrEqual(s.params.downIntervals);
          expect(load0(m.from)).toBeLessThan(s.params.lowerThreshold);
          expect(movableIn(s, m.queue)).toBe(true);
          expect(m.to === s.set.home || countOn(a, m.to) > 0).toBe(true);
          expect(loadOn(aFinal, smoothed, other, m.to)).toBeLessThanOrEqual(
            s.params.packingCeiling,
          );
        }
        a = replay(a, [m]);
      }
    },
  );

  test.prop([runArb])(
    "(4) over many steps no queue moves within its cooldown, and every bound holds",
    ({ set, params, placement, steps }) => {
      const w = params.ewmaWeight;
      let state = initialDynamicVmqState();
      placement.forEach((p, q) => {
        state = addQueue(state, q, set.processors[p % set.processors.length]!);
      });
      // The oracle's own view, updated only from samples and reported moves.
      let assignment = assignmentOf(state);
      const smoothed = new Map<number, number>();
      const lastMoved = new Map<number, number>();
      for (const [i, step] of steps.entries()) {
        const queueLoads: Record<number, number> = {};
        for (let q = 0; q < placement.length; q++) {
          const sample = step.queueLoads[q]! / 64;
          const prev = smoothed.get(q);
          smoothed.set(q, prev === undefined ? sample : w * sample + (1 - w) * prev);
          queueLoads[q] = sample;
        }
        const otherLoads: Record<number, number> = {};
        for (const p of set.processors) otherLoads[p] = step.otherLoads[p]! / 64;
        const result = dynamicVmqStep(state, { queueLoads, otherLoads }, set, params);
        assignment = replay(assignment, result.moves);
        for (const m of result.moves) {
          const last = lastMoved.get(m.queue);
          if (last !== undefined) expect(i - last).toBeGreaterThan(params.cooldownIntervals);
          lastMoved.set(m.queue, i);
          expect(set.processors).toContain(m.to);
          const limit = m.reason === "pack" ? params.packingCeiling : params.upperThreshold;
          expect(loadOn(assignment, smoothed, otherLoads, m.to)).toBeLessThanOrEqual(limit + 1e-9);
        }
        for (const [q, p] of assignment) expect(result.state.queues[q]!.processor).toBe(p);
        state = result.state;
      }
    },
  );

  test.prop([scenarioArb({ outside: true })])(
    "(5) every target is in the set, and afterwards every queue is in the set",
    (s) => {
      const { moves, state, a0 } = analyse(s);
      for (const m of moves) expect(s.set.processors).toContain(m.to);
      for (const q of Object.values(state.queues)) expect(s.set.processors).toContain(q.processor);
      // Exactly the queues that were outside moved for that reason, each once.
      const outside = [...a0].filter(([, p]) => !s.set.processors.includes(p)).map(([q]) => q);
      const relocated = moves.filter((m) => m.reason === "outside-set").map((m) => m.queue);
      expect([...relocated].sort((x, y) => x - y)).toEqual(outside.sort((x, y) => x - y));
    },
  );

  test.prop([scenarioArb({ single: true })])(
    "(6) with one processor in the set nothing moves",
    (s) => {
      expect(analyse(s).moves).toEqual([]);
    },
  );

  test.prop([scenarioArb({ minUp: 2, belowUp: true })])(
    "(7) hysteresis: above the upper threshold for fewer than upIntervals intervals, no spread",
    (s) => {
      expect(analyse(s).moves.filter((m) => m.reason === "spread")).toEqual([]);
    },
  );

  test.prop([scenarioArb({ outside: true })])(
    "(8) the new state is deeply frozen; the input is unchanged",
    (s) => {
      const before = structuredClone(s.state);
      const { state, moves } = dynamicVmqStep(s.state, s.measured, s.set, s.params);
      expect(s.state).toEqual(before);
      expect(deeplyFrozen(state)).toBe(true);
      expect(deeplyFrozen(moves)).toBe(true);
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    },
  );

  test("the scenario generator exercises every kind of move", () => {
    const seen = new Set<string>();
    for (const s of fc.sample(scenarioArb({ outside: true }), { numRuns: 400, seed: 7 })) {
      for (const m of analyse(s).moves) seen.add(m.reason);
    }
    expect([...seen].sort()).toEqual(["outside-set", "pack", "spread"]);
  });
});

function deeplyFrozen(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(deeplyFrozen);
}

// ---------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------

const loads = (entries: Record<number, number>): DynamicVmqMeasurement => ({ queueLoads: entries });

function withQueues(placement: Record<number, number>): DynamicVmqState {
  let state = initialDynamicVmqState();
  for (const [q, p] of Object.entries(placement)) state = addQueue(state, Number(q), p);
  return state;
}

describe("dynamic VMQ examples", () => {
  test("four queues on home at 0.3 each spread, then pack back when load drops", () => {
    const set = resolveProcessorSet({ processors: 4 });
    let state = withQueues({ 1: 0, 2: 0, 3: 0, 4: 0 });
    const heavy = loads({ 1: 0.3, 2: 0.3, 3: 0.3, 4: 0.3 });

    // 1.2 on home: the first interval above the threshold is not enough (upIntervals 2).
    let r = dynamicVmqStep(state, heavy, set);
    expect(r.moves).toEqual([]);
    expect(r.state.processors[0]).toEqual({ over: 1, under: 0 });

    // The second is: heaviest first (ties to the lower queue), to the closest processor
    // that stays at or under 0.8, until home is relieved (0.6).
    r = dynamicVmqStep(r.state, heavy, set);
    expect(r.moves).toEqual([
      { queue: 1, from: 0, to: 1, reason: "spread" },
      { queue: 2, from: 0, to: 1, reason: "spread" },
    ]);
    expect(r.state.processors[0]).toEqual({ over: 0, under: 0 });
    state = r.state;

    // Steady at 0.6 + 0.6: nothing moves.
    r = dynamicVmqStep(state, heavy, set);
    expect(r.moves).toEqual([]);
    state = r.state;

    // Load drops to 0.05 per queue. Processor 1 smooths to 0.35, then 0.225, ... below 0.3
    // from the second light interval on; the fifth such interval packs it onto home.
    const light = loads({ 1: 0.05, 2: 0.05, 3: 0.05, 4: 0.05 });
    const packedAt: number[] = [];
    for (let i = 1; i <= 12; i++) {
      r = dynamicVmqStep(state, light, set);
      if (r.moves.length > 0) {
        packedAt.push(i);
        expect(r.moves).toEqual([
          { queue: 1, from: 1, to: 0, reason: "pack" },
          { queue: 2, from: 1, to: 0, reason: "pack" },
        ]);
      }
      state = r.state;
    }
    expect(packedAt).toEqual([6]);
    expect(Object.values(state.queues).map((q) => q.processor)).toEqual([0, 0, 0, 0]);
  });

  test("one queue alone on a processor is never moved, however loaded", () => {
    const set = resolveProcessorSet({ processors: 4 });
    let state = withQueues({ 7: 0 });
    for (let i = 0; i < 10; i++) {
      const r = dynamicVmqStep(state, loads({ 7: 0.95 }), set);
      expect(r.moves).toEqual([]);
      state = r.state;
    }
  });

  test("other host work counts: 0.7 of it plus two queues at 0.2 sheds one queue", () => {
    const set = resolveProcessorSet({ processors: 2 });
    let state = withQueues({ 1: 0, 2: 0 });
    const measured = { queueLoads: { 1: 0.2, 2: 0.2 }, otherLoads: { 0: 0.7 } };
    const all: QueueMove[] = [];
    for (let i = 0; i < 8; i++) {
      const r = dynamicVmqStep(state, measured, set);
      all.push(...r.moves);
      state = r.state;
    }
    // Home stays at 0.9 with one queue left, which cannot be split: no further moves.
    expect(all).toEqual([{ queue: 1, from: 0, to: 1, reason: "spread" }]);
  });

  test("queues left outside a changed set move in, heaviest first, closest that fits", () => {
    const set = resolveProcessorSet({ processors: 4, baseProcessor: 2 });
    const state = withQueues({ 1: 1, 2: 0 });
    const r = dynamicVmqStep(state, loads({ 1: 0.5, 2: 0.6 }), set);
    expect(r.moves).toEqual([
      { queue: 2, from: 0, to: 2, reason: "outside-set" },
      { queue: 1, from: 1, to: 3, reason: "outside-set" },
    ]);
    expect(Object.keys(r.state.processors)).toEqual(["2", "3"]);
  });

  test("packing heads home, unless that crosses a NUMA node while the queue's node has room", () => {
    const run = (numaNodeSize: number) => {
      const set = resolveProcessorSet({ processors: 8, numaNodeSize });
      let state = withQueues({ 1: 0, 2: 5, 3: 6 });
      const measured = loads({ 1: 0.1, 2: 0.1, 3: 0.4 });
      const all: { step: number; move: QueueMove }[] = [];
      for (let step = 1; step <= 6; step++) {
        const r = dynamicVmqStep(state, measured, set);
        for (const move of r.moves) all.push({ step, move });
        state = r.state;
      }
      return all;
    };
    // One node: home first, though processor 6 is closer.
    expect(run(8)).toEqual([{ step: 5, move: { queue: 2, from: 5, to: 0, reason: "pack" } }]);
    // Two nodes of four: processor 6 shares node 1 with processor 5 and has room.
    expect(run(4)).toEqual([{ step: 5, move: { queue: 2, from: 5, to: 6, reason: "pack" } }]);
  });

  test("a cooling-down queue is skipped for a movable one", () => {
    const set = resolveProcessorSet({ processors: 2 });
    const state: DynamicVmqState = {
      interval: 10,
      queues: {
        1: { processor: 0, load: 0.5, sampled: true, lastMoveInterval: 8 },
        2: { processor: 0, load: 0.4, sampled: true, lastMoveInterval: NEVER_MOVED },
      },
      processors: { 0: { over: 1, under: 0 } },
    };
    const r = dynamicVmqStep(state, loads({ 1: 0.5, 2: 0.4 }), set);
    expect(r.moves).toEqual([{ queue: 2, from: 0, to: 1, reason: "spread" }]);
    expect(r.state.queues[2]!.lastMoveInterval).toBe(10);
    expect(r.state.interval).toBe(11);
  });
});

describe("dynamic VMQ state and parameters", () => {
  test("smoothing: the first sample as is, then EWMA; a missing sample counts as 0", () => {
    const set = resolveProcessorSet({ processors: 1 });
    let state = withQueues({ 3: 0 });
    state = dynamicVmqStep(state, loads({ 3: 0.4 }), set).state;
    expect(state.queues[3]!.load).toBe(0.4);
    state = dynamicVmqStep(state, loads({ 3: 0.8 }), set).state;
    expect(state.queues[3]!.load).toBeCloseTo(0.6, 12);
    state = dynamicVmqStep(state, loads({}), set).state;
    expect(state.queues[3]!.load).toBeCloseTo(0.3, 12);
  });

  test("add and remove queues purely", () => {
    const empty = initialDynamicVmqState();
    expect(deeplyFrozen(empty)).toBe(true);
    const one = addQueue(empty, 4, 2);
    expect(empty.queues).toEqual({});
    expect(one.queues[4]).toEqual({
      processor: 2,
      load: 0,
      sampled: false,
      lastMoveInterval: NEVER_MOVED,
    });
    expect(() => addQueue(one, 4, 1)).toThrow(/queue 4/);
    expect(() => addQueue(one, -1, 1)).toThrow(RangeError);
    expect(removeQueue(one, 9)).toBe(one);
    expect(removeQueue(one, 4).queues).toEqual({});
    expect(one.queues[4]).toBeDefined();
  });

  test("defaults are the reference's and are frozen", () => {
    expect(DEFAULT_DYNAMIC_VMQ_PARAMS).toEqual({
      upperThreshold: 0.8,
      lowerThreshold: 0.3,
      packingCeiling: 0.6,
      upIntervals: 2,
      downIntervals: 5,
      cooldownIntervals: 3,
      ewmaWeight: 0.5,
    });
    expect(Object.isFrozen(DEFAULT_DYNAMIC_VMQ_PARAMS)).toBe(true);
    expect(DEFAULT_DYNAMIC_VMQ_INTERVAL_MS).toBe(100);
    expect(validateDynamicVmqParams(DEFAULT_DYNAMIC_VMQ_PARAMS)).toBeNull();
  });

  test.each([
    [{ lowerThreshold: -0.1 }, "lowerThreshold"],
    [{ lowerThreshold: 0.6 }, "lowerThreshold"],
    [{ packingCeiling: 0.9 }, "packingCeiling"],
    [{ upperThreshold: 1.5, packingCeiling: 0.6 }, "upperThreshold"],
    [{ upperThreshold: Number.NaN }, "upperThreshold"],
    [{ upIntervals: 0 }, "upIntervals"],
    [{ downIntervals: 1.5 }, "downIntervals"],
    [{ cooldownIntervals: -1 }, "cooldownIntervals"],
    [{ ewmaWeight: 0 }, "ewmaWeight"],
    [{ ewmaWeight: 1.1 }, "ewmaWeight"],
  ] satisfies [Partial<DynamicVmqParams>, string][])("%o is rejected naming %s", (bad, name) => {
    const params = { ...DEFAULT_DYNAMIC_VMQ_PARAMS, ...bad };
    expect(validateDynamicVmqParams(params)).toMatch(new RegExp(`^${name}\\b`));
    const set = resolveProcessorSet({ processors: 1 });
    expect(() => dynamicVmqStep(initialDynamicVmqState(), loads({}), set, params)).toThrow(
      RangeError,
    );
  });

  test("bad measured loads are rejected naming the entry", () => {
    const set = resolveProcessorSet({ processors: 2 });
    const state = withQueues({ 1: 0 });
    expect(() => dynamicVmqStep(state, loads({ 1: -0.1 }), set)).toThrow(/queueLoads\[1\]/);
    expect(() =>
      dynamicVmqStep(state, { queueLoads: {}, otherLoads: { 1: Number.NaN } }, set),
    ).toThrow(/otherLoads\[1\]/);
  });
});
