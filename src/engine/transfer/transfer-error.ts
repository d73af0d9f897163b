/** A refused export file or import: the message says which line is wrong and why, or what to do. */
export class TransferError extends Error {
  /** 1-based line of the file the error is about, when it is about one. */
  readonly line: number | undefined;

  constructor(message: string, line?: number) {
    super(line === undefined ? message : `Line ${line}: ${message}`);
    this.name = 'TransferError';
    this.line = line;
  }
}
