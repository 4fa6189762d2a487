import { ScenarioError } from "../sim/scenario/index.js";

/**
 * The message for a failure that is not a usage error: a scenario's problems one per
 * line (each names its field), a system error's own message, never a stack trace.
 */
export function failureMessage(error: unknown): string {
  if (error instanceof ScenarioError) {
    const missing = error.issues.filter((issue) => !error.message.includes(issue));
    return [error.message, ...missing.map((issue) => `  ${issue}`)].join("\n");
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
