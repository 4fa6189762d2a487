import fc from "fast-check";
import { expect, it } from "vitest";

/**
 * What the model-based tests (test/hw/nic-model, test/system/driver-model,
 * test/switch/switch-model) share: tallies kept across a whole property run, so that a
 * test can assert that every command ran and every outcome it aims at happened (nothing is
 * silently unreachable); the base of their commands; and the replay of the counterexamples
 * the properties found.
 *
 * The tallies are module state: vitest gives each test file its own module graph, so
 * every model test has its own.
 */

/** How often each command actually ran (its precondition held). */
export const commandCounts = new Map<string, number>();

/** How often each outcome worth reaching happened (a frame dropped for each reason...). */
export const outcomeCounts = new Map<string, number>();

export function tally(counts: Map<string, number>, name: string, n = 1): void {
  if (n > 0) counts.set(name, (counts.get(name) ?? 0) + n);
}

export function outcome(name: string, n = 1): void {
  tally(outcomeCounts, name, n);
}

/** Forgets every tally (before a property run). */
export function clearCounts(): void {
  commandCounts.clear();
  outcomeCounts.clear();
}

/** A model test's world: model and real system in one, with its invariants. */
export interface CheckedWorld {
  /** Asserts everything that must hold between two commands. */
  check(): void;
}

/** A command of a synchronous model test: counts its run, acts, then checks the world. */
export abstract class ModelCommand<W extends CheckedWorld> implements fc.Command<W, W> {
  abstract readonly name: string;
  /** The precondition: by default the command applies in every state. */
  check(_w: Readonly<W>): boolean {
    return true;
  }
  run(w: W): void {
    tally(commandCounts, this.name);
    this.act(w);
    w.check();
  }
  protected abstract act(w: W): void;
  abstract toString(): string;
}

/** A command of an asynchronous model test (one that waits for requests to settle). */
export abstract class AsyncModelCommand<W extends CheckedWorld> implements fc.AsyncCommand<W, W> {
  abstract readonly name: string;
  /** The precondition: by default the command applies in every state. */
  check(_w: Readonly<W>): boolean {
    return true;
  }
  async run(w: W): Promise<void> {
    tally(commandCounts, this.name);
    await this.act(w);
    w.check();
  }
  protected abstract act(w: W): Promise<void> | void;
  abstract toString(): string;
}

/** Every command in `names` ran at least `minimum` times over the property run. */
export function expectEveryCommandRan(names: readonly string[], minimum: number): void {
  for (const name of names) {
    expect(commandCounts.get(name) ?? 0, name).toBeGreaterThanOrEqual(minimum);
  }
}

/** Every outcome in `names` happened at least `minimum` times over the property run. */
export function expectEveryOutcome(names: readonly string[], minimum: number): void {
  for (const name of names) {
    expect(outcomeCounts.get(name) ?? 0, name).toBeGreaterThanOrEqual(minimum);
  }
}

/** `fc.commands` constraints: up to `maxCommands` commands, or the shrunk list `replayPath`. */
export function commandsConstraints(
  maxCommands: number,
  replayPath?: string,
): fc.CommandsContraints {
  return { maxCommands, size: "max", ...(replayPath === undefined ? {} : { replayPath }) };
}

/** A failing case found by a property, replayed exactly (seed, shrink path, replayPath). */
export interface Regression {
  readonly name: string;
  readonly seed: number;
  readonly path: string;
  readonly replayPath: string;
}

/**
 * One test per regression: `property` (built to replay `replayPath`) run at the case's
 * seed and shrink path, so it fails again if the bug comes back.
 */
export function itReplaysRegressions<Ts>(
  regressions: readonly Regression[],
  property: (replayPath: string) => fc.IRawProperty<Ts>,
): void {
  for (const r of regressions) {
    it(`regression: ${r.name}`, () =>
      fc.assert(property(r.replayPath), { seed: r.seed, path: r.path, endOnFailure: true }));
  }
}
