/**
 * How the switch moderates a queue vector's interrupts: one fixed interval, or a
 * net_dim-style climber (adaptive-moderation.ts) choosing among a few intervals from the
 * vector's measured traffic. Intervals are what the switch asks for in its `set-moderation`
 * request; the driver rounds them to the device's unit, and its capabilities say the
 * longest it takes (`maxModerationUs`), which the switch checks when it starts.
 */
export type ModerationPolicy =
  | { readonly kind: "fixed"; readonly intervalUs: number }
  | {
      readonly kind: "adaptive";
      /**
       * The intervals the climber moves between, in microseconds, strictly increasing.
       * Default `DEFAULT_PROFILE_US`, the microsecond column of net_dim's RX profiles.
       */
      readonly profileUs?: readonly number[];
      /** Where the climber starts (and restarts after idle). Default 1, or 0 for a one-entry profile. */
      readonly startIndex?: number;
      /**
       * Interrupts a decision needs: smaller samples are added up until they hold this many.
       * Default 64, net_dim's DIM_NEVENTS.
       */
      readonly minInterrupts?: number;
      /**
       * Profile steps without parking on top before the climber parks "tired"; it then rests
       * for as many decisions. Default 10 (net_dim: twice its five profiles).
       */
      readonly tiredSteps?: number;
      /**
       * What a sample without frames does: "restart" (default) returns to the start profile
       * with a fresh climber; "hold" keeps the interval and the climber where they are.
       */
      readonly onIdle?: "restart" | "hold";
    };

export type AdaptivePolicy = Extract<ModerationPolicy, { kind: "adaptive" }>;
export type FixedPolicy = Extract<ModerationPolicy, { kind: "fixed" }>;

/** An adaptive policy with every default filled in. */
export interface ResolvedAdaptivePolicy {
  readonly kind: "adaptive";
  readonly profileUs: readonly number[];
  readonly startIndex: number;
  readonly minInterrupts: number;
  readonly tiredSteps: number;
  readonly onIdle: "restart" | "hold";
}

/** net_dim's RX completion-mode profile, microseconds only (EITR has no frame-count part). */
export const DEFAULT_PROFILE_US: readonly number[] = Object.freeze([2, 8, 16, 32, 64]);
export const DEFAULT_START_INDEX = 1;
export const DEFAULT_MIN_INTERRUPTS = 64;
export const DEFAULT_TIRED_STEPS = 10;

/** A policy checked and with every default filled in: what the climber runs on. */
export type ResolvedModerationPolicy = FixedPolicy | ResolvedAdaptivePolicy;

/** Checks `p` and fills in its defaults; throws a RangeError naming the bad field. */
export function resolveModerationPolicy(p: ModerationPolicy): ResolvedModerationPolicy {
  const problem = moderationPolicyProblem(p);
  if (problem !== null) throw new RangeError(`moderation policy: ${problem}`);
  return p.kind === "fixed"
    ? { kind: "fixed", intervalUs: p.intervalUs }
    : resolveAdaptivePolicy(p);
}

/** Fills in an adaptive policy's defaults (no validation: see `moderationPolicyProblem`). */
function resolveAdaptivePolicy(p: AdaptivePolicy): ResolvedAdaptivePolicy {
  const profileUs = p.profileUs ?? DEFAULT_PROFILE_US;
  return {
    kind: "adaptive",
    profileUs,
    startIndex: p.startIndex ?? Math.min(DEFAULT_START_INDEX, Math.max(0, profileUs.length - 1)),
    minInterrupts: p.minInterrupts ?? DEFAULT_MIN_INTERRUPTS,
    tiredSteps: p.tiredSteps ?? DEFAULT_TIRED_STEPS,
    onIdle: p.onIdle ?? "restart",
  };
}

function intervalProblem(field: string, us: unknown, maxUs: number): string | null {
  if (typeof us !== "number" || !Number.isFinite(us) || us < 0 || us > maxUs) {
    const range = maxUs === Number.POSITIVE_INFINITY ? ">= 0" : `in 0..${maxUs}`;
    return `${field} ${String(us)}: a number of microseconds ${range}`;
  }
  return null;
}

function countProblem(field: string, n: unknown): string | null {
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) {
    return `${field} ${String(n)}: an integer >= 1`;
  }
  return null;
}

/**
 * Why `p` is not a usable moderation policy (naming the field), or null when it is; with
 * `maxIntervalUs` (a driver's `maxModerationUs`), intervals beyond it are refused too.
 */
export function moderationPolicyProblem(
  p: ModerationPolicy,
  maxIntervalUs = Number.POSITIVE_INFINITY,
): string | null {
  if (typeof p !== "object" || p === null) return "policy: an object with kind fixed or adaptive";
  if (p.kind === "fixed") return intervalProblem("intervalUs", p.intervalUs, maxIntervalUs);
  if (p.kind !== "adaptive") {
    return `kind ${String((p as { kind: unknown }).kind)}: "fixed" or "adaptive"`;
  }
  if (p.profileUs !== undefined) {
    if (!Array.isArray(p.profileUs) || p.profileUs.length === 0) {
      return `profileUs ${JSON.stringify(p.profileUs)}: a non-empty list of intervals in microseconds`;
    }
    for (let i = 0; i < p.profileUs.length; i++) {
      const problem = intervalProblem(`profileUs[${i}]`, p.profileUs[i], maxIntervalUs);
      if (problem !== null) return problem;
      if (i > 0 && p.profileUs[i]! <= p.profileUs[i - 1]!) {
        return `profileUs[${i}] ${p.profileUs[i]}: greater than profileUs[${i - 1}] (${p.profileUs[i - 1]}); the list is strictly increasing`;
      }
    }
  }
  const r = resolveAdaptivePolicy(p);
  const last = r.profileUs.length - 1;
  if (!Number.isSafeInteger(r.startIndex) || r.startIndex < 0 || r.startIndex > last) {
    return `startIndex ${String(r.startIndex)}: an integer in 0..${last} (an index into profileUs)`;
  }
  const countIssue =
    (p.minInterrupts === undefined ? null : countProblem("minInterrupts", p.minInterrupts)) ??
    (p.tiredSteps === undefined ? null : countProblem("tiredSteps", p.tiredSteps));
  if (countIssue !== null) return countIssue;
  if (p.onIdle !== undefined && p.onIdle !== "restart" && p.onIdle !== "hold") {
    return `onIdle ${String(p.onIdle)}: "restart" or "hold"`;
  }
  return null;
}
