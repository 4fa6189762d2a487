/**
 * Writes or checks the files generated from the register map and the descriptor
 * formats (docs/registers.md, include/nicsim_regs.h).
 *
 *   node dist/src/tools/gen-docs.js --write   regenerate them
 *   node dist/src/tools/gen-docs.js --check   exit 1 if any is missing or stale
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveDeviceParams } from "../hw/device-params.js";
import { type GeneratedFile, renderGeneratedFiles } from "../hw/regs/docs/generated.js";

const USAGE = "usage: gen-docs (--write | --check)";

/** The repository root: this file runs as dist/src/tools/gen-docs.js. */
function repoRoot(): string {
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  if (!existsSync(join(root, "package.json"))) {
    throw new Error(`gen-docs: expected the repository root at ${root}; run the compiled script`);
  }
  return root;
}

function current(root: string, file: GeneratedFile): boolean {
  const path = join(root, file.path);
  return existsSync(path) && readFileSync(path, "utf8") === file.content;
}

function write(root: string, files: readonly GeneratedFile[]): number {
  for (const file of files) {
    if (current(root, file)) {
      console.log(`${file.path}: up to date`);
      continue;
    }
    const path = join(root, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    console.log(`${file.path}: written`);
  }
  return 0;
}

function check(root: string, files: readonly GeneratedFile[]): number {
  const stale = files.filter((file) => !current(root, file)).map((file) => file.path);
  if (stale.length === 0) {
    console.log("generated register and descriptor docs are up to date");
    return 0;
  }
  console.error(
    `stale generated file(s): ${stale.join(", ")}\n` +
      "They no longer match the register map in src/hw/regs/map/ or the descriptor formats " +
      "in src/hw/desc/formats.ts. Run `npm run docs` to regenerate them and commit the result.",
  );
  return 1;
}

function main(args: readonly string[]): number {
  const mode = args.length === 1 ? args[0] : undefined;
  if (mode !== "--write" && mode !== "--check") {
    console.error(USAGE);
    return 2;
  }
  const files = renderGeneratedFiles(resolveDeviceParams());
  return mode === "--write" ? write(repoRoot(), files) : check(repoRoot(), files);
}

process.exitCode = main(process.argv.slice(2));
