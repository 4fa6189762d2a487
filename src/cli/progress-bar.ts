/** Where a progress bar draws: a terminal stream. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

const BAR_WIDTH = 30;

/**
 * A one-line progress bar redrawn in place with a carriage return. It redraws only when
 * the shown percentage or label changes, so a long run writes a few hundred bytes.
 */
export class ProgressBar {
  private readonly stream: ProgressStream;
  private shown = "";

  constructor(stream: ProgressStream) {
    this.stream = stream;
  }

  /** Shows `fraction` (0..1) done, with a label such as the policy running. */
  update(fraction: number, label: string): void {
    const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    const filled = Math.round(clamped * BAR_WIDTH);
    const percent = `${Math.floor(clamped * 100)}`.padStart(3);
    const line = `[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${percent}% ${label}`;
    // A terminal whose size is unknown reports 0 columns: assume the classic 80.
    const columns = this.stream.columns ?? 0;
    const width = (columns >= 20 ? columns : 80) - 1;
    const fitted = line.slice(0, width);
    if (fitted === this.shown) return;
    this.stream.write(`\r${fitted.padEnd(this.shown.length)}`);
    this.shown = fitted;
  }

  /** Clears the bar's line so what follows starts clean. */
  finish(): void {
    if (this.shown === "") return;
    this.stream.write(`\r${" ".repeat(this.shown.length)}\r`);
    this.shown = "";
  }
}

/** A bar on `stream` when it is a terminal; none when output goes to a file or a pipe. */
export function progressBarFor(stream: ProgressStream | null): ProgressBar | null {
  return stream?.isTTY === true ? new ProgressBar(stream) : null;
}
