import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Debian's Chromium (`apt-get install chromium`); ONHAND_TEST_CHROMIUM names another binary. */
export const CHROMIUM = process.env.ONHAND_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Where browser tests save their screenshots (ignored by git; CI keeps them as artefacts). */
export const SCREENSHOTS = join(ROOT, 'test-results', 'dashboard');

/**
 * Whether browser tests can run. Without the browser they are skipped with a message, except with
 * CI=true, where a missing browser is an error (`.ci/run` installs it), never a silent skip.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set ONHAND_TEST_CHROMIUM.`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`Skipping the browser tests. ${message}`);
  return false;
}

/** Debian's Chromium, headless, as in CI. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Builds the dashboard (skipped when it is up to date), as `npm start` does. */
export function buildDashboard(): void {
  execFileSync(process.execPath, [join(ROOT, 'packages/dashboard/build.mjs')], { stdio: 'inherit' });
}

/** Saves a screenshot (the full page, or what the window shows) under test-results/dashboard/{name}.png. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** Collects CSP violations and page errors, to assert there are none. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && /Content Security Policy|Trusted Type|Refused to/i.test(text)) {
      problems.push(`console: ${text}`);
    }
  });
  return problems;
}
