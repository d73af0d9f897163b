import { OnhandError } from '../../domain/codes.js';
import type { Feed } from '../feed/feed.js';

/** How long a read waits for a commit token's position. */
export const TOKEN_WAIT_MS = 5000;

/**
 * The position Onhand-Min-Position names (docs/storefront.md): a position, or a commit token once it
 * has its position (service_unavailable when it has none within TOKEN_WAIT_MS).
 */
export async function minPositionOf(feed: Feed, value: string | undefined): Promise<number | undefined> {
  if (value === undefined) return undefined;
  if (/^\d{1,15}$/.test(value)) return Number(value);
  const position = await feed.positionOf(value, TOKEN_WAIT_MS);
  if (position === undefined)
    throw new OnhandError('service_unavailable', 'The commit token has not reached the feed yet; retry.');
  return position;
}
