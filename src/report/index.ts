import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ReportInput, renderReport } from "./html/page.js";

export { type ComparisonRow, comparisonRows, dropReasons } from "./comparison.js";
export { type ReportInput, renderReport } from "./html/page.js";
export { type PolicyJson, type RunsJson, runsJson, type ScenarioInfo } from "./summary-json.js";

/** The report's file name inside the `--out` directory. */
export const REPORT_FILE = "report.html";

/** Writes the report to `dir/report.html` (creating `dir`) and returns the file's path. */
export function writeReport(dir: string, input: ReportInput): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, REPORT_FILE);
  writeFileSync(path, renderReport(input));
  return path;
}
