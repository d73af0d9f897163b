/**
 * Resolves lookups in the order they were started, whatever order they finish in: the items of one
 * request that wait for a lookup (Reservations.ociHold) still reach the writer in arrival order.
 */
export class InOrder {
  private turn: Promise<unknown> = Promise.resolve();

  next<T>(lookup: Promise<T>): Promise<T> {
    const previous = this.turn;
    const mine = (async () => {
      await previous;
      return lookup;
    })();
    this.turn = mine.catch(() => undefined);
    return mine;
  }
}
