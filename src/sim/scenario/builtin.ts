import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package root: the nearest directory above this module with a package.json and a
 * scenarios/ folder. The module runs from src/sim/scenario (sources, tests) or from
 * dist/src/sim/scenario (the build), so the root is found rather than counted.
 */
function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "scenarios"))) return dir;
    if (dirname(dir) === dir) return join(here, "..", "..", "..");
  }
}

/** The absolute path of the built-in scenarios (`scenarios/` at the package root). */
export const BUILTIN_SCENARIOS_DIR: string = join(packageRoot(), "scenarios");

/** The built-in scenarios' names (file names without `.json`), sorted. */
export function listBuiltinScenarios(): string[] {
  if (!existsSync(BUILTIN_SCENARIOS_DIR)) return [];
  return readdirSync(BUILTIN_SCENARIOS_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}
