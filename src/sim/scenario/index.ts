/**
 * Scenarios: the JSON format (docs/scenarios.md), its validation, the built-in scenarios
 * and the runner that plays one on the testbed under a VMQ policy.
 */

export { BUILTIN_SCENARIOS_DIR, listBuiltinScenarios } from "./builtin.js";
export { loadScenario, parseScenario } from "./parse-scenario.js";
export { type RunOptions, runScenario } from "./run-scenario.js";
export type { Scenario, VmqPolicyName } from "./scenario.js";
export { ScenarioError } from "./scenario-error.js";
