/**
 * `onhand serve` with a fake clock, for end-to-end tests of time (the start-of-day sweep of change
 * schedules across a restart): the service's clock stands at ONHAND_TEST_CLOCK_START (ISO-8601) while
 * the server starts, and runs at the speed of real time once it listens, so a test knows how far the
 * clock is from midnight however long the start took. Takes `--port` and `--host` like `onhand serve`.
 */
import { startServer } from '../../src/main.js';
import { loadSettings } from '../../src/settings.js';

const start = Date.parse(process.env.ONHAND_TEST_CLOCK_START ?? '');
if (Number.isNaN(start)) throw new Error('ONHAND_TEST_CLOCK_START must be an ISO-8601 instant.');
let listeningAt: number | undefined;
const clock = () => new Date(start + (listeningAt === undefined ? 0 : Date.now() - listeningAt));

const flags: Record<string, string> = {};
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) flags[(args[i] ?? '').replace(/^--/, '')] = args[i + 1] ?? '';

const server = await startServer(loadSettings(flags, process.env), console.log, clock);
listeningAt = Date.now();
const stop = () => {
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
