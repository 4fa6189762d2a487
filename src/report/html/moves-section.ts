import type { RunSummary } from "../../sim/metrics/run-summary.js";
import type { QueueMoveRecord } from "../../switch/vmq/vmq-manager.js";
import { formatDecimal } from "../format.js";
import { section } from "./blocks.js";
import { escapeHtml } from "./escape.js";
import type { TimeScale } from "./timeline.js";

/** At most this many queue moves listed per policy. */
const MAX_MOVES_LISTED = 500;

/** Every queue move of every run, folded away per policy. */
export function movesSection(summaries: readonly RunSummary[], scale: TimeScale): string {
  const blocks = summaries.map((s) => {
    const listed = s.moves.slice(0, MAX_MOVES_LISTED);
    const more =
      s.moves.length > listed.length
        ? `<p class="note">${s.moves.length - listed.length} more not listed.</p>`
        : "";
    const table =
      listed.length === 0
        ? '<p class="note">No queue moves.</p>'
        : `<table class="moves"><thead><tr><th>at</th><th>queue</th><th>from</th><th>to</th>` +
          `<th>reason</th><th>outcome</th></tr></thead><tbody>${listed.map((m) => moveRow(m, scale)).join("")}` +
          `</tbody></table>${more}`;
    const summary = `${s.policy}: ${s.moves.length} move request${s.moves.length === 1 ? "" : "s"}`;
    return `<details><summary>${escapeHtml(summary)}</summary>${table}</details>`;
  });
  const explain =
    "Every queue move the switch asked of the driver, and how it ended; times from the run's " +
    "start (moves home during bring-up come before it).";
  return section("Queue moves", explain, blocks.join(""));
}

function moveRow(m: QueueMoveRecord, scale: TimeScale): string {
  const outcome =
    m.error !== null
      ? `refused: ${m.error}`
      : m.completedAtTicks !== null
        ? `done at ${formatDecimal(scale.msSinceStart(m.completedAtTicks), 3)} ms`
        : "pending";
  const cells = [
    `${formatDecimal(scale.msSinceStart(m.atTicks), 3)} ms`,
    `q${m.queue}`,
    `cpu${m.from}`,
    `cpu${m.to}`,
    m.reason,
    outcome,
  ];
  return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`;
}
