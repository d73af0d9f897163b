import { describe, expect, it } from 'vitest';
import { isIpLiteral, isPrivateAddress } from '../../../src/domain/webhooks/private-address.js';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.0.0.1', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['100.128.0.1', false],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['255.255.255.255', true],
    ['198.51.100.7', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['[::1]', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['fd12:3456::1', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::10.0.0.1', true],
    ['64:ff9b::8.8.8.8', false],
    ['2002:c0a8:0101::1', true],
    ['2001:db8::1', true],
    ['2606:4700:4700::1111', false],
    ['2a00:1450:4001:80b::200e', false],
    ['not an address', true],
    ['1.2.3', true],
    ['01.2.3.4', true],
    ['1:2:3:4:5:6:7:8:9', true],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('isIpLiteral', () => {
  it.each([
    ['127.0.0.1', true],
    ['[::1]', true],
    ['2001:db8::1', true],
    ['hooks.example.com', false],
    ['localhost', false],
    ['1.2.3.4.example', false],
  ])('%s → %s', (host, expected) => {
    expect(isIpLiteral(host)).toBe(expected);
  });
});
