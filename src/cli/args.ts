import { UsageError } from "./usage-error.js";

/** The options a command takes: a flag stands alone, a value option needs a value. */
export type OptionKinds = Readonly<Record<string, "flag" | "value">>;

/** A command line taken apart: positional arguments, option values, flags given. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly values: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

/**
 * Parses `--name`, `--name value` and `--name=value` options and positional arguments
 * for `command`. Anything else is a usage error naming the option: an unknown option, a
 * missing value, a flag given a value, an option given twice. `--` ends the options.
 */
export function parseArgs(
  command: string,
  argv: readonly string[],
  kinds: OptionKinds,
): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(2, eq) : arg.replace(/^--?/, "");
    const kind = arg.startsWith("--") ? kinds[name] : undefined;
    if (kind === undefined) throw new UsageError(`${command}: unknown option '${arg}'`);
    if (seen.has(name)) throw new UsageError(`${command}: option '--${name}' given twice`);
    seen.add(name);
    if (kind === "flag") {
      if (eq > 0) throw new UsageError(`${command}: option '--${name}' takes no value`);
      flags.add(name);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "" || (eq < 0 && value.startsWith("--"))) {
      throw new UsageError(`${command}: option '--${name}' needs a value`);
    }
    values.set(name, value);
  }
  return { positionals, values, flags };
}

/** The one positional argument a command needs, named `what` in the messages. */
export function onePositional(command: string, args: ParsedArgs, what: string): string {
  const [first, extra] = args.positionals;
  if (first === undefined) throw new UsageError(`${command}: missing ${what}`);
  if (extra !== undefined) throw new UsageError(`${command}: unexpected argument '${extra}'`);
  return first;
}

/** `--name`'s value as a positive number of milliseconds up to `maxMs`, if given. */
export function positiveMs(
  command: string,
  args: ParsedArgs,
  name: string,
  maxMs = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const text = args.values.get(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\s*[0-9.eE+]+\s*$/.test(text) || !Number.isFinite(value) || value <= 0 || value > maxMs) {
    const range = maxMs < Number.MAX_SAFE_INTEGER ? ` up to ${maxMs}` : "";
    throw new UsageError(
      `${command}: --${name} must be a positive number of milliseconds${range} (got '${text}')`,
    );
  }
  return value;
}

/** `--name`'s value if it is one of `choices`. */
export function choice<const T extends string>(
  command: string,
  args: ParsedArgs,
  name: string,
  choices: readonly T[],
): T | undefined {
  const text = args.values.get(name);
  if (text === undefined) return undefined;
  const found = choices.find((c) => c === text);
  if (found === undefined) {
    throw new UsageError(
      `${command}: --${name} must be one of ${choices.join(", ")} (got '${text}')`,
    );
  }
  return found;
}
