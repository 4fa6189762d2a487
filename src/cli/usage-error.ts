/**
 * A mistake in how the CLI was called: a bad argument, an unknown command. The CLI
 * prints its message (no stack trace) and exits with status 2.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
