/**
 * A scenario that cannot be run: unreadable, not JSON, or not a valid scenario. `issues`
 * holds one line per problem, each naming the field (or the line and column of a syntax
 * error), the value found and what was expected; the message lists them all.
 */
export class ScenarioError extends Error {
  readonly issues: readonly string[];
  /** The file (or other source) the scenario came from, when known. */
  readonly source: string | undefined;

  constructor(issues: readonly string[], source?: string) {
    const where = source !== undefined ? `${source}: ` : "";
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(`${where}invalid scenario (${count}):\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ScenarioError";
    this.issues = Object.freeze([...issues]);
    this.source = source;
  }
}
