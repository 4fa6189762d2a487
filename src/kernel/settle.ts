/**
 * Waiting for a promise that simulated time must settle: a driver request, a queue
 * allocation, a bring-up. Such a promise resolves only when the model has run far enough
 * (a reset completes, a queue's receives come back), so the waiter alternates between
 * letting JavaScript's pending jobs run and advancing the model one step.
 */
export interface SettleOptions {
  /** The most steps to take before giving up (default 200 000). */
  readonly maxSteps?: number;
  /** What is being waited for, for the error when it never settles. */
  readonly what?: string;
}

/**
 * Returns `promise`'s value (or throws its error), calling `step()` (which advances
 * simulated time, synchronously or not) between checks until it settles. Before each
 * check every pending job runs (a macrotask turn, not a fixed number of microtask turns),
 * so a chain of awaits settles without time passing when it needs none. Throws when
 * `maxSteps` steps have not settled it.
 */
export async function runUntilSettled<T>(
  promise: Promise<T>,
  step: () => void | Promise<void>,
  options: SettleOptions = {},
): Promise<T> {
  const maxSteps = options.maxSteps ?? 200_000;
  let settled = false;
  let value: T | undefined;
  let failed = false;
  let failure: unknown;
  promise.then(
    (v) => {
      settled = true;
      value = v;
    },
    (e: unknown) => {
      settled = true;
      failed = true;
      failure = e;
    },
  );
  for (let i = 0; ; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (settled) {
      if (failed) throw failure;
      return value as T;
    }
    if (i >= maxSteps) break;
    await step();
  }
  throw new Error(`${options.what ?? "promise"} not settled after ${maxSteps} steps`);
}
