import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** True when a C compiler answers to `cc`. */
export function haveCc(): boolean {
  const probe = spawnSync("cc", ["--version"], { encoding: "utf8" });
  return probe.error === undefined && probe.status === 0;
}

/**
 * Compiles `source` (which includes "nicsim_regs.h") against `header` with warnings as
 * errors, syntax only; returns the compiler's diagnostics, empty on success.
 */
export function compileWithHeader(header: string, source: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "nicsim-regs-"));
  try {
    writeFileSync(join(dir, "nicsim_regs.h"), header);
    writeFileSync(join(dir, "check.c"), source);
    const args = ["-std=c11", "-fsyntax-only", "-Wall", "-Wextra", "-pedantic", "-Werror"];
    const run = spawnSync("cc", [...args, "-I", dir, join(dir, "check.c")], { encoding: "utf8" });
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
