#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runCompare } from "./commands/compare.js";
import { runDemo } from "./commands/demo.js";
import { runRegs } from "./commands/regs.js";
import { runRun } from "./commands/run.js";
import { COMMAND_HELP, USAGE } from "./help.js";
import { type ProgressStream, progressBarFor } from "./progress-bar.js";
import type { CommandIo } from "./results.js";
import { UsageError } from "./usage-error.js";

const VERSION = "0.1.0";

type Print = (line: string) => void;

/**
 * Runs the CLI with `argv` (without node and the script) and returns the exit status:
 * at once for the commands that need no simulation (`demo`, `regs`, help), as a promise
 * for `run` and `compare`. `progress` is where a progress bar may draw (only if it is a
 * terminal).
 */
export function main(
  argv: readonly string[],
  out: Print = console.log,
  err: Print = console.error,
  progress: ProgressStream | null = process.stderr,
): number | Promise<number> {
  try {
    const status = dispatch(argv, out, err, progress);
    return typeof status === "number" ? status : status.catch((error) => fail(error, err));
  } catch (error) {
    return fail(error, err);
  }
}

function dispatch(
  argv: readonly string[],
  out: Print,
  err: Print,
  progress: ProgressStream | null,
): number | Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-V") {
    out(VERSION);
    return 0;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    const help = COMMAND_HELP[command];
    if (help === undefined) throw new UsageError(`unknown command '${command}'`);
    out(help);
    return 0;
  }
  const io: CommandIo = {
    out,
    err,
    progress: progressBarFor(progress),
    generator: `nicsim ${VERSION}`,
  };
  switch (command) {
    case "run":
      return runRun(rest, io);
    case "compare":
      return runCompare(rest, io);
    case "demo":
      expectNoArguments("demo", rest);
      runDemo(out);
      return 0;
    case "regs":
      return runRegs(rest, out);
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** Prints what went wrong, never a stack trace: 2 for a usage error, 1 for anything else. */
function fail(error: unknown, err: Print): number {
  if (error instanceof UsageError) {
    err(`nicsim: ${error.message}\nRun 'nicsim --help' for usage.`);
    return 2;
  }
  // A ScenarioError's message lists every problem, one per line.
  err(`nicsim: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}

function expectNoArguments(command: string, rest: readonly string[]): void {
  if (rest.length > 0) throw new UsageError(`${command}: unexpected argument '${rest[0]}'`);
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  void Promise.resolve(main(process.argv.slice(2))).then((status) => {
    process.exitCode = status;
  });
}
