import { describe, expect, it } from 'vitest';
import { splitArgs } from '../../src/cli/commands.js';

describe('the onhand command line', () => {
  it.each([
    [[], { flags: {}, command: 'serve', rest: [], help: false }],
    [['serve', '--port', '9000'], { flags: { port: '9000' }, command: 'serve', rest: [], help: false }],
    [
      ['--data', '/d', 'serve', '--host=::1'],
      { flags: { data: '/d', host: '::1' }, command: 'serve', rest: [], help: false },
    ],
    [
      ['clients', 'create', '--env', 'demo', '--admin', '--data=/srv/onhand'],
      {
        flags: { data: '/srv/onhand' },
        command: 'clients',
        rest: ['create', '--env', 'demo', '--admin'],
        help: false,
      },
    ],
    [
      ['environments', 'create', 'demo'],
      { flags: {}, command: 'environments', rest: ['create', 'demo'], help: false },
    ],
    [
      ['serve', '--nats-url', 'nats://127.0.0.1:4222'],
      { flags: { 'nats-url': 'nats://127.0.0.1:4222' }, command: 'serve', rest: [], help: false },
    ],
    [['--help'], { flags: {}, command: 'serve', rest: [], help: true }],
  ])('splits %j into global flags, the command and its own arguments', (argv, expected) => {
    expect(splitArgs(argv)).toEqual(expected);
  });

  it('refuses a flag without its value and unknown options before the command', () => {
    expect(() => splitArgs(['--port'])).toThrow('--port needs a value.');
    expect(() => splitArgs(['--verbose', 'serve'])).toThrow('Unknown option --verbose.');
  });
});
