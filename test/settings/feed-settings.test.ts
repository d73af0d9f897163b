import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/settings.js';

/**
 * The documented defaults and ranges of the feed's retention and the webhooks' retry period
 * (docs/configuration.md): ONHAND_FEED_RETENTION_DAYS 7 (1–3650), ONHAND_WEBHOOKS_RETRY_SECONDS 86400
 * (1–2592000); values outside the range are refused at start-up, naming the setting.
 */
describe('feed and webhook retention settings', () => {
  const load = (env: Record<string, string>) => loadSettings({ data: '/tmp/onhand-settings-test' }, env);

  it('defaults: the feed keeps 7 days, a webhook delivery is retried for 24 hours', () => {
    const settings = load({});
    expect(settings.feedRetentionDays).toBe(7);
    expect(settings.webhooks.retryPeriodMs).toBe(86_400 * 1000);
  });

  it('takes values at both ends of the documented ranges', () => {
    expect(load({ ONHAND_FEED_RETENTION_DAYS: '1' }).feedRetentionDays).toBe(1);
    expect(load({ ONHAND_FEED_RETENTION_DAYS: '3650' }).feedRetentionDays).toBe(3650);
    expect(load({ ONHAND_WEBHOOKS_RETRY_SECONDS: '1' }).webhooks.retryPeriodMs).toBe(1000);
    expect(load({ ONHAND_WEBHOOKS_RETRY_SECONDS: '2592000' }).webhooks.retryPeriodMs).toBe(2_592_000_000);
  });

  it('refuses values outside them, naming the setting', () => {
    for (const value of ['0', '3651', 'seven'])
      expect(() => load({ ONHAND_FEED_RETENTION_DAYS: value })).toThrow(/ONHAND_FEED_RETENTION_DAYS/);
    for (const value of ['0', '2592001'])
      expect(() => load({ ONHAND_WEBHOOKS_RETRY_SECONDS: value })).toThrow(/ONHAND_WEBHOOKS_RETRY_SECONDS/);
  });
});
