import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  BUILTIN_SCENARIOS_DIR,
  listBuiltinScenarios,
  loadScenario,
  type Scenario,
} from "../sim/scenario/index.js";

/**
 * Loads the scenario a SCENARIO argument names: a file if one is there, else a built-in
 * scenario of that name (`shifting-load` is scenarios/shifting-load.json). A name that
 * is neither fails with the list of built-ins; a bad scenario fails with its
 * ScenarioError, whose message names the field.
 */
export function loadScenarioArg(arg: string): Scenario {
  return loadScenario(scenarioPath(arg));
}

/** The file a SCENARIO argument names. */
export function scenarioPath(arg: string): string {
  if (existsSync(arg)) {
    if (statSync(arg).isDirectory())
      throw new Error(`scenario '${arg}' is a directory, not a file`);
    return arg;
  }
  const builtins = listBuiltinScenarios();
  const name = arg.replace(/\.json$/, "");
  if (builtins.includes(name)) return join(BUILTIN_SCENARIOS_DIR, `${name}.json`);
  throw new Error(
    `scenario '${arg}' not found: no such file, and no built-in scenario of that name ` +
      `(built-in: ${builtins.join(", ") || "none"})`,
  );
}
