#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runDemo } from "./commands/demo.js";
import { runRegs } from "./commands/regs.js";
import { UsageError } from "./usage-error.js";

const VERSION = "0.1.0";

const USAGE = `nicsim: a cycle-by-cycle, register-level model of a multi-queue server NIC

Usage:
  nicsim demo              run the demonstration (bring-up over MMIO, with a register trace)
  nicsim regs [NAME]       print the register reference, or one register in full
  nicsim --help            this text (also: nicsim COMMAND --help)
  nicsim --version         the version

Exit status: 0 on success, 2 for a usage error, 1 for any other failure.`;

const COMMAND_HELP: Record<string, string> = {
  demo: "Usage: nicsim demo\n\nRuns the demonstration and prints its register trace.",
  regs:
    "Usage: nicsim regs [NAME]\n\nWithout NAME, a summary of every register. With NAME (any case), " +
    "that register's offset, reset value, fields and semantics.",
};

/** Runs the CLI with `argv` (without node and the script); returns the exit status. */
export function main(argv: readonly string[], out = console.log, err = console.error): number {
  try {
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
    switch (command) {
      case "demo":
        expectNoArguments("demo", rest);
        runDemo(out);
        return 0;
      case "regs":
        return runRegs(rest, out);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err(`nicsim: ${error.message}\nRun 'nicsim --help' for usage.`);
      return 2;
    }
    err(`nicsim: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
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

if (isEntryPoint()) process.exitCode = main(process.argv.slice(2));
