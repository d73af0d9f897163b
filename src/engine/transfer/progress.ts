/**
 * Where export and import report how far they are (the CLI draws a progress bar from it). `start`
 * opens a phase with its total number of items when known; `advance` gives the items done so far in
 * that phase; `finish` closes it.
 */
export interface TransferProgress {
  start(phase: string, total: number | undefined): void;
  advance(done: number): void;
  finish(): void;
}

/** A TransferProgress that reports nothing. */
export const SILENT_PROGRESS: TransferProgress = {
  start: () => {},
  advance: () => {},
  finish: () => {},
};
