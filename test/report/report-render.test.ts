import { execFile } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KIND_COLORS, processorColor } from "../../src/report/html/palette.js";
import { writeReport } from "../../src/report/index.js";
import type { RunSummary } from "../../src/sim/metrics/run-summary.js";
import { VMQ_POLICY_NAMES } from "../../src/switch/vmq/vmq-policy.js";
import { realRun } from "./fixtures.js";
import { count } from "./html-check.js";
import { decodePng, pixelsOfColor } from "./png.js";

/** Utilisation, queue placement, interrupts and drops over time, and latency. */
const CHARTS_PER_POLICY = 5;

/** Debian's `chromium` package, or another Chromium build on the PATH. */
const BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

function findBrowser(): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of BROWSERS) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // not here
      }
    }
  }
  return null;
}

const browser = findBrowser();
if (browser === null) {
  console.warn(
    "report-render: no Chromium found on the PATH (tried " +
      `${BROWSERS.join(", ")}); skipping the headless rendering check. ` +
      "Install Debian's 'chromium' package to run it.",
  );
}

/** Runs headless Chromium on `url` with `flags`; resolves with its standard output. */
function chromium(flags: readonly string[], url: string, profile: string): Promise<string> {
  const args = [
    "--headless",
    "--disable-gpu",
    "--no-sandbox",
    "--no-first-run",
    "--disable-dev-shm-usage",
    `--user-data-dir=${profile}`,
    ...flags,
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile(browser!, args, { timeout: 30_000, maxBuffer: 16 << 20 }, (error, stdout) =>
      error === null ? resolve(stdout) : reject(error),
    );
  });
}

describe.skipIf(browser === null)("the report in headless Chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "nicsim-render-"));
  let url = "";
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    const summaries: RunSummary[] = [];
    for (const policy of VMQ_POLICY_NAMES) summaries.push(await realRun(policy, 30));
    const scenario = { name: "render check", description: "three VMs", durationMs: 30 };
    url = pathToFileURL(writeReport(join(dir, "out"), { scenario, summaries })).href;
  });

  it("parses from file:// into the page we wrote: the table and every chart", async () => {
    const dom = await chromium(["--dump-dom"], url, join(dir, "profile-dom"));
    expect(dom).toContain('<table class="comparison">');
    expect(count(dom, "<figure data-chart=")).toBe(CHARTS_PER_POLICY * VMQ_POLICY_NAMES.length);
    expect(count(dom, "<svg ")).toBe(CHARTS_PER_POLICY * VMQ_POLICY_NAMES.length);
    expect(count(dom, "</svg>")).toBe(CHARTS_PER_POLICY * VMQ_POLICY_NAMES.length);
    // Chromium drops what it cannot parse: the charts' shapes must all survive.
    expect(count(dom, "<polygon ")).toBeGreaterThan(0);
    expect(count(dom, "<polyline ")).toBeGreaterThan(0);
  });

  it("renders to a screenshot that is not blank", async () => {
    const png = join(dir, "report.png");
    await chromium(
      ["--hide-scrollbars", "--window-size=1400,3000", `--screenshot=${png}`],
      url,
      join(dir, "profile-shot"),
    );
    const bytes = readFileSync(png);
    expect(bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    const image = decodePng(bytes);
    expect(image.width).toBe(1400);
    // The charts were painted: the switch's share fills utilisation bands, and queue
    // strips are their processors' colours; legend swatches alone are a few hundred pixels.
    expect(pixelsOfColor(image, KIND_COLORS.switch)).toBeGreaterThan(3000);
    expect(pixelsOfColor(image, processorColor(0))).toBeGreaterThan(3000);
  });
});
