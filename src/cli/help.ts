/** The CLI's help texts: `nicsim --help` and `nicsim COMMAND --help`. */
export const USAGE = `nicsim: a cycle-by-cycle, register-level model of a multi-queue server NIC

Usage:
  nicsim run SCENARIO [options]      run a scenario under one VMQ policy and summarise it
  nicsim compare SCENARIO [options]  run it under no VMQ, static and dynamic VMQ, side by side
  nicsim regs [NAME]                 print the register reference, or one register in full
  nicsim demo                        a driver's first moments with the device, over MMIO
  nicsim --help                      this text (also: nicsim COMMAND --help)
  nicsim --version                   the version

SCENARIO is a scenario file (JSON) or the name of a built-in one, such as shifting-load.

Exit status: 0 on success, 2 for a usage error, 1 for any other failure (a scenario
that does not load or is not valid, a file that cannot be written).`;

const SCENARIO_ARG = `SCENARIO  a scenario file (JSON), or a built-in scenario's name (a file in the
          package's scenarios/ folder, such as shifting-load)`;

const SHARED_OPTIONS = `  --duration-ms N     run for N simulated milliseconds (at most 60000) instead of the
                      scenario's durationMs; the run then drains what is in flight
  --out DIR           also write DIR/report.html, a self-contained HTML report with
                      charts over time (created if missing)
  --json              print the results as JSON instead of a table
  --json-full         the same, with every sample and queue move included
  -h, --help          this text

A progress bar is drawn on standard error when it is a terminal.`;

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  run: `Usage: nicsim run SCENARIO [--policy none|static|dynamic] [--out DIR] [--pcap FILE]
                        [--json | --json-full] [--duration-ms N]

Runs SCENARIO once and prints a summary: throughput, frames injected, delivered and
dropped (by reason), interrupts, utilisation per processor, receive latency, queue moves.

${SCENARIO_ARG}

Options:
  --policy P          the VMQ policy: none, static or dynamic (default: the scenario's
                      policy.vmq)
  --pcap FILE         write every frame on the wire, both ways, to FILE (pcap format)
${SHARED_OPTIONS}`,
  compare: `Usage: nicsim compare SCENARIO [--out DIR] [--json | --json-full] [--duration-ms N]

Runs SCENARIO three times, under no VMQ, static VMQ and dynamic VMQ, with the same seed,
and prints the results side by side.

${SCENARIO_ARG}

Options:
${SHARED_OPTIONS}`,
  demo: "Usage: nicsim demo\n\nRuns the demonstration and prints its register trace.",
  regs:
    "Usage: nicsim regs [NAME]\n\nWithout NAME, a summary of every register. With NAME (any case), " +
    "that register's offset, reset value, fields and semantics.",
};
