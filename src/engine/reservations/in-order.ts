/**
 * Resolves lookups in the order they were started, whatever order they finish in: the items of one
 * request that wait for a lookup (Reservations.ociHold) still reach the writer in arrival order.
 */
export class InOrder {
  private turn: Promise<unknown> = Promise.resolve();

  next<T>(lookup: Promise<T>): Promise<T> {
    // A lookup that fails while an earlier one still runs is handled here at once (its caller gets the
    // failure in turn): left without a handler until then, Node would end the process on it (the soak
    // found this with database connections terminated under load).
    lookup.catch(() => undefined);
    const previous = this.turn;
    const mine = (async () => {
      await previous;
      return lookup;
    })();
    this.turn = mine.catch(() => undefined);
    return mine;
  }
}
