import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { TICKS_PER_MS } from "../../src/kernel/ticks.js";
import {
  compareRates,
  type DimRates,
  type DimState,
  type DimStepResult,
  dimStep as dimStepResolved,
  initialDimState as initialResolved,
  type VectorSample,
} from "../../src/switch/moderation/adaptive-moderation.js";
import {
  type AdaptivePolicy,
  DEFAULT_PROFILE_US,
  type ModerationPolicy,
  moderationPolicyProblem,
  resolveModerationPolicy,
} from "../../src/switch/moderation/moderation-policy.js";

// ---------------------------------------------------------------------------------------
// Helpers

/** The longest interval the tests' profiles use (within what the NIC model takes). */
const LONGEST_US = 1000;

/** `dimStep` under a policy as written, resolved first (the switch resolves once). */
function dimStep(state: DimState, sample: VectorSample, policy: ModerationPolicy): DimStepResult {
  return dimStepResolved(state, sample, resolveModerationPolicy(policy));
}

function initialDimState(policy: ModerationPolicy): DimState {
  return initialResolved(resolveModerationPolicy(policy));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The climber's profile as the test sees it (the defaults spelled out independently). */
function profileOf(p: AdaptivePolicy): readonly number[] {
  return p.profileUs ?? [2, 8, 16, 32, 64];
}

function startOf(p: AdaptivePolicy): number {
  return p.startIndex ?? Math.min(1, profileOf(p).length - 1);
}

function tiredOf(p: AdaptivePolicy): number {
  return p.tiredSteps ?? 10;
}

/** Traffic as rates per millisecond, a function of the interval the vector runs with. */
type TrafficModel = (intervalUs: number) => DimRates;

/**
 * Throughput-bound traffic: a constant frame rate and size; the vector interrupts once per
 * frame until the interval binds, then once per interval.
 */
function constantTraffic(framesPerMs: number, frameBytes: number): TrafficModel {
  return (intervalUs) => ({
    bytesPerMs: framesPerMs * frameBytes,
    framesPerMs,
    interruptsPerMs: Math.min(framesPerMs, 1000 / intervalUs),
  });
}

/**
 * Latency-bound traffic: full throughput up to the knee; past it the application's window
 * stalls (half the throughput at once, falling further with the interval).
 */
function kneeTraffic(bytesPerMs: number, frameBytes: number, kneeUs: number): TrafficModel {
  return (intervalUs) => {
    const bytes = intervalUs <= kneeUs ? bytesPerMs : (bytesPerMs * kneeUs) / (2 * intervalUs);
    const frames = bytes / frameBytes;
    return {
      bytesPerMs: bytes,
      framesPerMs: frames,
      interruptsPerMs: Math.min(frames, 1000 / intervalUs),
    };
  };
}

function sampleFrom(rates: DimRates, elapsedMs: number): VectorSample {
  return {
    frames: rates.framesPerMs * elapsedMs,
    bytes: rates.bytesPerMs * elapsedMs,
    interrupts: rates.interruptsPerMs * elapsedMs,
    elapsedTicks: elapsedMs * TICKS_PER_MS,
  };
}

/**
 * Runs `calls` samples, every one taken at the interval then in force and long enough (at
 * least 100 ms, and at least 128 interrupts) for a decision, so calls count decisions.
 */
function runModel(
  policy: ModerationPolicy,
  traffic: TrafficModel,
  calls: number,
  from: DimState = initialDimState(policy),
): { intervals: number[]; states: DimState[] } {
  const intervals: number[] = [];
  const states: DimState[] = [];
  let state = from;
  for (let i = 0; i < calls; i++) {
    const rates = traffic(state.intervalUs);
    const elapsedMs = Math.max(100, 128 / rates.interruptsPerMs);
    state = dimStep(state, sampleFrom(rates, elapsedMs), policy).state;
    intervals.push(state.intervalUs);
    states.push(state);
  }
  return { intervals, states };
}

/** The call after which the interval no longer changes (0: it never changed). */
function settledAfter(start: number, intervals: readonly number[]): number {
  let last = 0;
  let prev = start;
  intervals.forEach((v, i) => {
    if (v !== prev) last = i + 1;
    prev = v;
  });
  return last;
}

function run(
  policy: ModerationPolicy,
  samples: readonly VectorSample[],
  from: DimState = initialDimState(policy),
): DimStepResult[] {
  const out: DimStepResult[] = [];
  let state = from;
  for (const s of samples) {
    const r = dimStep(state, s, policy);
    out.push(r);
    state = r.state;
  }
  return out;
}

/** A sample of `ms` milliseconds at the given rates per ms. */
function sample(ms: number, bytesPerMs: number, framesPerMs: number, irqPerMs: number) {
  return sampleFrom({ bytesPerMs, framesPerMs, interruptsPerMs: irqPerMs }, ms);
}

const DEFAULT: ModerationPolicy = { kind: "adaptive" };

// ---------------------------------------------------------------------------------------
// Arbitraries

const profileArb = (minUs: number) =>
  fc
    .uniqueArray(fc.integer({ min: minUs, max: LONGEST_US }), {
      minLength: 1,
      maxLength: 8,
    })
    .map((a) => [...a].sort((x, y) => x - y));

const adaptiveArb: fc.Arbitrary<AdaptivePolicy> = fc.oneof(
  fc.constant<AdaptivePolicy>({ kind: "adaptive" }),
  profileArb(0).chain((profile) =>
    fc.record({
      kind: fc.constant("adaptive" as const),
      profileUs: fc.constant(profile),
      startIndex: fc.integer({ min: 0, max: profile.length - 1 }),
      minInterrupts: fc.integer({ min: 1, max: 128 }),
      tiredSteps: fc.integer({ min: 1, max: 12 }),
      onIdle: fc.constantFrom("restart" as const, "hold" as const),
    }),
  ),
);

/** Policies whose climber can walk the whole profile before it tires (as net_dim's can). */
const patientArb = (minUs: number): fc.Arbitrary<AdaptivePolicy> =>
  fc.oneof(
    fc.constant<AdaptivePolicy>({ kind: "adaptive" }),
    profileArb(minUs).chain((profile) =>
      fc.record({
        kind: fc.constant("adaptive" as const),
        profileUs: fc.constant(profile),
        startIndex: fc.integer({ min: 0, max: profile.length - 1 }),
        minInterrupts: fc.integer({ min: 1, max: 64 }),
        tiredSteps: fc.integer({ min: 2 * profile.length, max: 2 * profile.length + 6 }),
      }),
    ),
  );

const traffic = fc.record({
  frames: fc.nat({ max: 200_000 }),
  bytes: fc.nat({ max: 300_000_000 }),
  interrupts: fc.nat({ max: 20_000 }),
  elapsedTicks: fc.integer({ min: 0, max: 100 * TICKS_PER_MS }),
});

/** Any sample: busy, small, idle, empty, or malformed. */
const sampleArb: fc.Arbitrary<VectorSample> = fc.oneof(
  { weight: 6, arbitrary: traffic },
  { weight: 1, arbitrary: traffic.map((s) => ({ ...s, frames: 0 })) },
  { weight: 1, arbitrary: traffic.map((s) => ({ ...s, elapsedTicks: 0 })) },
  {
    weight: 1,
    arbitrary: fc.record({
      frames: fc.constantFrom(-1, Number.NaN, 10),
      bytes: fc.constantFrom(1000, Number.POSITIVE_INFINITY),
      interrupts: fc.constantFrom(-5, 100),
      elapsedTicks: fc.constantFrom(-1, TICKS_PER_MS),
    }),
  },
);

const samplesArb = fc.array(sampleArb, { maxLength: 60 });

/** A sample the climber acts on: frames, time, and (with `minInterrupts` <= 128) enough interrupts. */
const busyArb: fc.Arbitrary<VectorSample> = fc.record({
  frames: fc.integer({ min: 1, max: 200_000 }),
  bytes: fc.nat({ max: 300_000_000 }),
  interrupts: fc.integer({ min: 128, max: 20_000 }),
  elapsedTicks: fc.integer({ min: 1, max: 100 * TICKS_PER_MS }),
});

// ---------------------------------------------------------------------------------------
// Properties

describe("adaptive moderation: properties", () => {
  test.prop([adaptiveArb, samplesArb])(
    "the interval is always one of the profile's values",
    (policy, samples) => {
      const profile = profileOf(policy);
      expect(profile).toContain(initialDimState(policy).intervalUs);
      for (const r of run(policy, samples)) {
        expect(profile).toContain(r.intervalUs);
        expect(r.state.intervalUs).toBe(r.intervalUs);
        expect(profile[r.state.profileIndex]).toBe(r.intervalUs);
      }
    },
  );

  test.prop([fc.double({ min: 0, max: LONGEST_US, noNaN: true }), adaptiveArb, samplesArb])(
    "a fixed policy always answers its interval",
    (intervalUs, adaptive, samples) => {
      const policy: ModerationPolicy = { kind: "fixed", intervalUs };
      // From its own state, and from a climber's state (the policy was switched).
      const climber = run(adaptive, samples).at(-1)?.state ?? initialDimState(adaptive);
      for (const from of [initialDimState(policy), climber]) {
        const results = run(policy, samples, from);
        for (const r of results) expect(r.intervalUs).toBe(intervalUs);
        results.forEach((r, i) => {
          expect(r.changed).toBe(i === 0 && from.intervalUs !== intervalUs);
        });
      }
    },
  );

  test.prop([adaptiveArb, samplesArb, sampleArb])(
    "never mutates its inputs",
    (policy, prefix, next) => {
      const state = run(policy, prefix).at(-1)?.state ?? initialDimState(policy);
      const resolved = resolveModerationPolicy(deepFreeze(policy));
      const before = structuredClone({ state, next, policy, resolved });
      // Frozen inputs: any write throws in strict-mode module code.
      const r = dimStepResolved(deepFreeze(state), deepFreeze(next), deepFreeze(resolved));
      expect({ state, next, policy, resolved }).toEqual(before);
      expect(r.state.intervalUs).toBe(r.intervalUs);
    },
  );

  test.prop([adaptiveArb, samplesArb, sampleArb])(
    "changed says whether the interval differs from the input state's",
    (policy, prefix, next) => {
      const state = run(policy, prefix).at(-1)?.state ?? initialDimState(policy);
      const r = dimStep(state, next, policy);
      expect(r.changed).toBe(r.intervalUs !== state.intervalUs);
    },
  );

  test.prop([adaptiveArb, samplesArb, traffic])(
    "a sample with zero elapsed time changes nothing",
    (policy, prefix, s) => {
      const state = run(policy, prefix).at(-1)?.state ?? initialDimState(policy);
      const r = dimStep(state, { ...s, elapsedTicks: 0 }, policy);
      expect(r.state).toBe(state);
      expect(r.changed).toBe(false);
    },
  );

  test.prop([adaptiveArb, samplesArb, traffic])(
    "an idle sample (no frames) restarts, or holds, as the policy says",
    (policy, prefix, s) => {
      const state = run(policy, prefix).at(-1)?.state ?? initialDimState(policy);
      const r = dimStep(state, { ...s, frames: 0, elapsedTicks: s.elapsedTicks + 1 }, policy);
      if ((policy.onIdle ?? "restart") === "restart") {
        expect(r.state).toEqual(initialDimState(policy));
        expect(r.intervalUs).toBe(profileOf(policy)[startOf(policy)]);
      } else {
        expect(r.intervalUs).toBe(state.intervalUs);
        expect(r.state).toEqual({ ...state, pending: expect.anything() });
        expect(r.state.pending.interrupts).toBe(0);
      }
    },
  );

  test.prop([adaptiveArb, samplesArb, traffic])(
    "a sample too small to decide on keeps the interval and only adds up the counts",
    (policy, prefix, s) => {
      const state = run(policy, prefix).at(-1)?.state ?? initialDimState(policy);
      const min = policy.minInterrupts ?? 64;
      const room = min - 1 - state.pending.interrupts;
      fc.pre(room >= 0);
      const small = {
        ...s,
        frames: s.frames + 1,
        interrupts: s.interrupts % (room + 1),
        elapsedTicks: s.elapsedTicks + 1,
      };
      const r = dimStep(state, small, policy);
      expect(r.changed).toBe(false);
      expect(r.state).toEqual({
        ...state,
        pending: {
          frames: state.pending.frames + small.frames,
          bytes: state.pending.bytes + small.bytes,
          interrupts: state.pending.interrupts + small.interrupts,
          elapsedTicks: state.pending.elapsedTicks + small.elapsedTicks,
        },
      });
    },
  );

  test.prop([
    adaptiveArb,
    fc.array(busyArb, { maxLength: 20 }),
    fc.array(
      fc.record({
        frames: fc.integer({ min: 1, max: 10_000 }),
        bytes: fc.nat({ max: 10_000_000 }),
        share: fc.double({ min: 0, max: 1, noNaN: true }),
        elapsedTicks: fc.integer({ min: 1, max: 10 * TICKS_PER_MS }),
      }),
      { minLength: 1, maxLength: 7 },
    ),
    busyArb,
  ])(
    "a decision on counts gathered in small pieces equals one on the whole sample",
    (policy, prefix, small, last) => {
      const state = run(policy, prefix).at(-1)?.state ?? initialDimState(policy);
      expect(state.pending.interrupts).toBe(0); // busy samples always decide
      // The small pieces hold fewer than minInterrupts in all; the last completes the sample.
      const each = Math.floor(((policy.minInterrupts ?? 64) - 1) / small.length);
      const parts: VectorSample[] = [
        ...small.map(({ share, ...p }) => ({ ...p, interrupts: Math.floor(share * each) })),
        last,
      ];
      const total = (k: keyof VectorSample) => parts.reduce((n, p) => n + p[k], 0);
      const whole: VectorSample = {
        frames: total("frames"),
        bytes: total("bytes"),
        interrupts: total("interrupts"),
        elapsedTicks: total("elapsedTicks"),
      };
      const pieced = run(policy, parts, state);
      for (const r of pieced.slice(0, -1)) expect(r.changed).toBe(false);
      expect(pieced.at(-1)!.state).toEqual(dimStep(state, whole, policy).state);
    },
  );

  test.prop([adaptiveArb, samplesArb, busyArb])(
    "at most one profile step per call (an idle restart jumps to the start)",
    (policy, prefix, next) => {
      const state = run(policy, prefix).at(-1)?.state ?? initialDimState(policy);
      const r = dimStep(state, next, policy);
      expect(Math.abs(r.state.profileIndex - state.profileIndex)).toBeLessThanOrEqual(1);
      const idle = dimStep(state, { ...next, frames: 0 }, policy);
      if ((policy.onIdle ?? "restart") === "restart") {
        expect(idle.state.profileIndex).toBe(startOf(policy));
      } else {
        expect(idle.state.profileIndex).toBe(state.profileIndex);
      }
    },
  );

  test.prop([adaptiveArb, samplesArb])(
    "never more than tiredSteps interval changes in a row without parking",
    (policy, samples) => {
      let moves = 0;
      for (const [i, r] of run(policy, samples).entries()) {
        const s = samples[i]!;
        const restart = (policy.onIdle ?? "restart") === "restart";
        const idle = restart && s.frames === 0 && s.elapsedTicks > 0;
        if (idle || r.state.tune === "parked-on-top" || r.state.tune === "parked-tired") {
          moves = 0;
          continue;
        }
        if (r.changed) moves++;
        expect(moves).toBeLessThanOrEqual(tiredOf(policy));
      }
    },
  );

  test.prop([
    patientArb(0),
    fc.double({ min: 0.7, max: 2000, noNaN: true }),
    fc.integer({ min: 64, max: 9000 }),
  ])(
    "throughput-bound traffic: climbs to the longest interval and parks there",
    (policy, framesPerMs, frameBytes) => {
      const profile = profileOf(policy);
      const start = initialDimState(policy);
      const { intervals, states } = runModel(
        policy,
        constantTraffic(framesPerMs, frameBytes),
        60,
        start,
      );
      // Only ever toward longer intervals...
      for (let i = 1; i < intervals.length; i++) {
        expect(intervals[i]!).toBeGreaterThanOrEqual(intervals[i - 1]!);
      }
      // ...to the last one, in one decision per step, and there it stays, parked.
      expect(settledAfter(start.intervalUs, intervals)).toBeLessThanOrEqual(profile.length);
      expect(intervals.at(-1)).toBe(profile.at(-1));
      expect(states.at(-1)?.tune).toBe("parked-on-top");
    },
  );

  // The knee is at or above the start interval: a climber starting past the knee may never
  // see it, since past the knee the throughput may fall by less than 10% per step (the
  // examples below show the default profile, whose steps double, finding a lower knee).
  test.prop([
    patientArb(1).chain((policy) => {
      const profile = profileOf(policy);
      const lowest = profile[startOf(policy)]!;
      return fc.tuple(
        fc.constant(policy),
        fc.double({ min: lowest, max: profile.at(-1)! * 2, noNaN: true }),
      );
    }),
    fc.double({ min: 100, max: 1_000_000, noNaN: true }),
    fc.integer({ min: 64, max: 9000 }),
  ])(
    "latency-bound traffic: settles at or below the knee",
    ([policy, kneeUs], bytesPerMs, frameBytes) => {
      const start = initialDimState(policy);
      const calls = 12 * tiredOf(policy);
      const { intervals } = runModel(policy, kneeTraffic(bytesPerMs, frameBytes, kneeUs), calls);
      expect(settledAfter(start.intervalUs, intervals)).toBeLessThanOrEqual(6 * tiredOf(policy));
      expect(intervals.at(-1)!).toBeLessThanOrEqual(kneeUs);
    },
  );

  test.prop([
    patientArb(1),
    samplesArb,
    fc.oneof(
      fc
        .tuple(fc.double({ min: 0.7, max: 2000, noNaN: true }), fc.integer({ min: 64, max: 9000 }))
        .map(([f, b]) => constantTraffic(f, b)),
      fc
        .tuple(
          fc.double({ min: 100, max: 1_000_000, noNaN: true }),
          fc.double({ min: 1, max: 2000, noNaN: true }),
        )
        .map(([bytes, knee]) => kneeTraffic(bytes, 1500, knee)),
    ),
  ])(
    "from wherever earlier traffic left it, steady traffic stops it moving",
    (policy, prefix, model) => {
      const from = run(policy, prefix).at(-1)?.state ?? initialDimState(policy);
      const calls = 12 * tiredOf(policy);
      const { intervals } = runModel(policy, model, calls, from);
      expect(settledAfter(from.intervalUs, intervals)).toBeLessThanOrEqual(6 * tiredOf(policy));
    },
  );
});

// ---------------------------------------------------------------------------------------
// Examples

describe("adaptive moderation: steps", () => {
  test("starts at the start profile, moving right with no reference", () => {
    const s = initialDimState(DEFAULT);
    expect(s).toMatchObject({
      intervalUs: 8,
      profileIndex: 1,
      tune: "going-right",
      reference: null,
    });
    expect(DEFAULT_PROFILE_US).toEqual([2, 8, 16, 32, 64]);
    expect(initialDimState({ kind: "adaptive", profileUs: [50] }).intervalUs).toBe(50);
    expect(initialDimState({ kind: "adaptive", startIndex: 4 }).intervalUs).toBe(64);
  });

  test("the first full sample steps right", () => {
    const r = dimStep(initialDimState(DEFAULT), sample(1, 1000, 10, 100), DEFAULT);
    expect(r).toMatchObject({ intervalUs: 16, changed: true });
    expect(r.state.reference).toEqual({ bytesPerMs: 1000, framesPerMs: 10, interruptsPerMs: 100 });
  });

  test("keeps moving while better, turns when worse, parks back on the peak", () => {
    const [a, b, c, d] = run(DEFAULT, [
      sample(10, 1000, 10, 100), // at 8: first, step right
      sample(10, 1000, 10, 80), // at 16: 20% fewer interrupts, better: step right
      sample(10, 800, 8, 40), // at 32: 20% fewer bytes, worse: turn, back to 16
      sample(10, 1000, 10, 80), // at 16: better than at 32, both neighbours worse: park
    ]);
    expect([a, b, c, d].map((r) => r!.intervalUs)).toEqual([16, 32, 16, 16]);
    expect(c!.state.tune).toBe("going-left");
    expect(d!.state).toMatchObject({ tune: "parked-on-top", intervalUs: 16 });
    expect(d!.changed).toBe(false);
  });

  test("a tie keeps the climber going; only a worse sample turns it", () => {
    const [a, b, c] = run(DEFAULT, [
      sample(1, 1000, 10, 100), // at 8
      sample(1, 1050, 10, 95), // at 16: within 10% on every count: same, keep going
      sample(1, 1000, 10, 89), // at 32: 6% fewer interrupts than at 16: same
    ]);
    expect([a, b, c].map((r) => r!.intervalUs)).toEqual([16, 32, 64]);
  });

  test("bytes decide first, then frames, then interrupts; only beyond 10%", () => {
    const ref = { bytesPerMs: 1000, framesPerMs: 100, interruptsPerMs: 50 };
    const at = (bytesPerMs: number, framesPerMs: number, interruptsPerMs: number) =>
      compareRates({ bytesPerMs, framesPerMs, interruptsPerMs }, ref);
    expect(at(1101, 1, 1000)).toBe("better"); // bytes up 10.1%: nothing else matters
    expect(at(899, 1000, 1)).toBe("worse");
    expect(at(1100, 50, 50)).toBe("worse"); // bytes up exactly 10%: same; frames down
    expect(at(1000, 111, 1000)).toBe("better");
    expect(at(1000, 100, 44)).toBe("better"); // fewer interrupts
    expect(at(1000, 100, 56)).toBe("worse");
    expect(at(1000, 100, 55)).toBe("same");
    expect(compareRates(ref, null)).toBe("better");
    const zero = { bytesPerMs: 0, framesPerMs: 0, interruptsPerMs: 0 };
    expect(compareRates(ref, zero)).toBe("better");
    expect(compareRates(zero, zero)).toBe("same");
  });

  test("parks on top at the end of the profile", () => {
    const rs = run(
      DEFAULT,
      [100, 50, 25, 12, 12.5, 12.9].map((irq) => sample(10, 1000, 20, irq)),
    );
    expect(rs.map((r) => r.intervalUs)).toEqual([16, 32, 64, 64, 64, 64]);
    expect(rs[3]!.state.tune).toBe("parked-on-top");
    // Parked, the reference stays the sample it parked with: no creeping away from it.
    expect(rs[5]!.state.reference?.interruptsPerMs).toBe(12);
    expect(rs[5]!.state.tune).toBe("parked-on-top");
  });

  test("parked, it stays within 10% and leaves on a bigger change, moving left", () => {
    const parked = run(
      DEFAULT,
      [100, 50, 25, 12].map((irq) => sample(10, 1000, 20, irq)),
    ).at(-1)!.state;
    expect(parked).toMatchObject({ tune: "parked-on-top", intervalUs: 64 });
    const still = run(DEFAULT, [sample(10, 1090, 21, 12), sample(10, 950, 19, 13)], parked);
    for (const r of still) expect(r.state).toEqual(parked);
    const left = dimStep(parked, sample(10, 1200, 24, 12), DEFAULT);
    expect(left).toMatchObject({ intervalUs: 32, changed: true });
    expect(left.state.tune).toBe("going-left");
    // From the first profile it leaves to the right.
    const policy: ModerationPolicy = { kind: "adaptive", startIndex: 0 };
    const low = run(policy, [
      sample(10, 1000, 20, 100), // at 2: first, step right
      sample(10, 500, 10, 100), // at 8: worse, back to 2
      sample(10, 1000, 20, 100), // at 2: better, but no step left of 2: park
    ]).at(-1)!;
    expect(low.state).toMatchObject({ tune: "parked-on-top", intervalUs: 2 });
    expect(dimStep(low.state, sample(10, 2000, 40, 100), policy).intervalUs).toBe(8);
  });

  test("parks tired after 10 steps, rests 10 decisions, then leaves", () => {
    // Every sample carries 20% fewer bytes than the one before: always worse, so the climber
    // turns at every decision and never finds a peak.
    const samples = Array.from({ length: 24 }, (_, i) => sample(10, 1e6 * 0.8 ** i, 100, 50));
    const rs = run(DEFAULT, samples);
    const intervals = rs.map((r) => r.intervalUs);
    expect(intervals.slice(0, 10)).toEqual([16, 8, 16, 8, 16, 8, 16, 8, 16, 8]);
    expect(rs[9]!.state.steps).toBe(10);
    expect(rs[10]!.state).toMatchObject({ tune: "parked-tired", intervalUs: 8, restLeft: 10 });
    for (let i = 10; i < 20; i++) {
      expect(rs[i]!.intervalUs).toBe(8);
      expect(rs[i]!.changed).toBe(false);
    }
    expect(rs[19]!.state.restLeft).toBe(1);
    expect(rs[20]).toMatchObject({ intervalUs: 2, changed: true });
    expect(rs[20]!.state.tune).toBe("going-left");
  });

  test("tiredSteps is the policy's", () => {
    const policy: ModerationPolicy = { kind: "adaptive", tiredSteps: 3 };
    const samples = Array.from({ length: 6 }, (_, i) => sample(10, 1e6 * 0.8 ** i, 100, 50));
    const rs = run(policy, samples);
    expect(rs.map((r) => r.intervalUs)).toEqual([16, 8, 16, 16, 16, 16]);
    expect(rs[3]!.state).toMatchObject({ tune: "parked-tired", restLeft: 3 });
  });

  test("too few interrupts: the counts wait in the state until there are enough", () => {
    const s0 = initialDimState(DEFAULT);
    const a = dimStep(s0, sample(1, 1000, 10, 40), DEFAULT);
    expect(a).toMatchObject({ intervalUs: 8, changed: false });
    expect(a.state.pending.interrupts).toBe(40);
    expect(a.state.tune).toBe("going-right");
    const b = dimStep(a.state, sample(1, 3000, 30, 24), DEFAULT); // 64 in all: decide
    expect(b).toMatchObject({ intervalUs: 16, changed: true });
    expect(b.state.pending).toEqual({ frames: 0, bytes: 0, interrupts: 0, elapsedTicks: 0 });
    // Rates over the two samples together: 4000 bytes in 2 ms.
    expect(b.state.reference).toEqual({ bytesPerMs: 2000, framesPerMs: 20, interruptsPerMs: 32 });
    const custom: ModerationPolicy = { kind: "adaptive", minInterrupts: 10 };
    expect(dimStep(s0, sample(1, 1000, 10, 10), custom).intervalUs).toBe(16);
  });

  test("zero elapsed time or a malformed sample: the same state back", () => {
    const s0 = run(DEFAULT, [sample(1, 1000, 10, 100)]).at(-1)!.state;
    for (const bad of [
      { frames: 10, bytes: 1000, interrupts: 100, elapsedTicks: 0 },
      { frames: -1, bytes: 1000, interrupts: 100, elapsedTicks: TICKS_PER_MS },
      { frames: 10, bytes: Number.NaN, interrupts: 100, elapsedTicks: TICKS_PER_MS },
      { frames: 10, bytes: 1000, interrupts: 100, elapsedTicks: Number.POSITIVE_INFINITY },
    ]) {
      const r = dimStep(s0, bad, DEFAULT);
      expect(r.state).toBe(s0);
      expect(r.changed).toBe(false);
    }
  });

  test("idle: back to the start profile by default; held with onIdle: hold", () => {
    const busy = [100, 50, 25, 12].map((irq) => sample(10, 1000, 20, irq));
    const parked = run(DEFAULT, busy).at(-1)!.state;
    const idle = { frames: 0, bytes: 0, interrupts: 3, elapsedTicks: 10 * TICKS_PER_MS };
    const r = dimStep(parked, idle, DEFAULT);
    expect(r).toMatchObject({ intervalUs: 8, changed: true });
    expect(r.state).toEqual(initialDimState(DEFAULT));
    const hold: ModerationPolicy = { kind: "adaptive", onIdle: "hold" };
    const held = run(hold, busy).at(-1)!.state;
    const h = dimStep({ ...held, pending: sample(1, 10, 1, 5) }, idle, hold);
    expect(h).toMatchObject({ intervalUs: 64, changed: false });
    expect(h.state).toEqual(held);
  });

  test("a state from another policy restarts under the new one", () => {
    const parked = run(
      DEFAULT,
      [100, 50, 25, 12].map((irq) => sample(10, 1000, 20, irq)),
    ).at(-1)!.state;
    const other: ModerationPolicy = { kind: "adaptive", profileUs: [10, 20, 40] };
    const r = dimStep(parked, { frames: 0, bytes: 0, interrupts: 0, elapsedTicks: 0 }, other);
    expect(r).toMatchObject({ intervalUs: 20, changed: true });
    const fixed: ModerationPolicy = { kind: "fixed", intervalUs: 100 };
    const f = dimStep(parked, sample(1, 1, 1, 1), fixed);
    expect(f).toMatchObject({ intervalUs: 100, changed: true });
    expect(dimStep(f.state, sample(1, 1000, 10, 10), DEFAULT)).toMatchObject({
      intervalUs: 8,
      changed: true,
    });
  });

  test("throughput-bound traffic on the default profile: 8 -> 16 -> 32 -> 64, parked", () => {
    const { intervals, states } = runModel(DEFAULT, constantTraffic(400, 1500), 8);
    expect(intervals).toEqual([16, 32, 64, 64, 64, 64, 64, 64]);
    expect(states.at(-1)?.tune).toBe("parked-on-top");
  });

  test("latency-bound traffic with its knee below the start settles at 2 us", () => {
    const { intervals } = runModel(DEFAULT, kneeTraffic(500_000, 1500, 4), 8);
    expect(intervals).toEqual([16, 8, 2, 2, 2, 2, 2, 2]);
  });

  test("latency-bound traffic with its knee at 20 us settles at 16 us", () => {
    const { intervals, states } = runModel(DEFAULT, kneeTraffic(500_000, 1500, 20), 8);
    expect(intervals).toEqual([16, 32, 16, 16, 16, 16, 16, 16]);
    expect(states.at(-1)?.tune).toBe("parked-on-top");
  });
});

describe("moderation policy validation", () => {
  test("valid policies", () => {
    expect(moderationPolicyProblem({ kind: "adaptive" })).toBeNull();
    expect(moderationPolicyProblem({ kind: "fixed", intervalUs: 0 })).toBeNull();
    // Without a driver's limit any interval goes; with one, up to it.
    expect(moderationPolicyProblem({ kind: "fixed", intervalUs: 5000 })).toBeNull();
    expect(moderationPolicyProblem({ kind: "fixed", intervalUs: 1000 }, 1000)).toBeNull();
    expect(
      moderationPolicyProblem({
        kind: "adaptive",
        profileUs: [0, 1000],
        startIndex: 0,
        minInterrupts: 1,
        tiredSteps: 1,
        onIdle: "hold",
      }),
    ).toBeNull();
    expect(moderationPolicyProblem({ kind: "adaptive", profileUs: [5] })).toBeNull();
  });

  test.each([
    [{ kind: "fixed", intervalUs: -1 }, "intervalUs"],
    [{ kind: "fixed", intervalUs: 1047 }, "intervalUs"],
    [{ kind: "fixed", intervalUs: Number.NaN }, "intervalUs"],
    [{ kind: "adaptive", profileUs: [] }, "profileUs"],
    [{ kind: "adaptive", profileUs: [2, 8, 8] }, "profileUs[2]"],
    [{ kind: "adaptive", profileUs: [2, 1100] }, "profileUs[1]"],
    [{ kind: "adaptive", startIndex: 5 }, "startIndex"],
    [{ kind: "adaptive", startIndex: 0.5 }, "startIndex"],
    [{ kind: "adaptive", profileUs: [2, 4], startIndex: 2 }, "startIndex"],
    [{ kind: "adaptive", minInterrupts: 0 }, "minInterrupts"],
    [{ kind: "adaptive", tiredSteps: 1.5 }, "tiredSteps"],
    [{ kind: "adaptive", onIdle: "sleep" }, "onIdle"],
    [{ kind: "bursty" }, "kind"],
  ] as unknown as [ModerationPolicy, string][])("%j: names %s", (policy, field) => {
    // 1000 us: the longest interval of a driver these tests make up.
    const problem = moderationPolicyProblem(policy, 1000);
    expect(problem).not.toBeNull();
    expect(problem!.startsWith(`${field} `)).toBe(true);
  });

  test("resolving an invalid policy throws a RangeError naming the field", () => {
    const bad: ModerationPolicy = { kind: "adaptive", startIndex: 9 };
    expect(() => resolveModerationPolicy(bad)).toThrow(RangeError);
    expect(() => resolveModerationPolicy(bad)).toThrow(/startIndex/);
  });

  test("resolving fills in net_dim's defaults", () => {
    expect(resolveModerationPolicy(DEFAULT)).toEqual({
      kind: "adaptive",
      profileUs: [2, 8, 16, 32, 64],
      startIndex: 1,
      minInterrupts: 64,
      tiredSteps: 10,
      onIdle: "restart",
    });
    expect(resolveModerationPolicy({ kind: "adaptive", profileUs: [5] })).toMatchObject({
      startIndex: 0,
    });
    expect(resolveModerationPolicy({ kind: "fixed", intervalUs: 3 })).toEqual({
      kind: "fixed",
      intervalUs: 3,
    });
  });
});
