/** Addresses: HOST:PORT split, and the one rule of what is loopback (plaintext allowed there only). */
import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isLoopbackHost, splitHostPort } from '@hostplane/shared';

describe('splitHostPort', () => {
  it.each([
    ['ctl.example.net:50051', { host: 'ctl.example.net', port: 50051 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['[::1]:50051', { host: '::1', port: 50051 }],
    ['[2001:db8::1]:443', { host: '2001:db8::1', port: 443 }],
    ['ctl.example.net', undefined],
    ['http://ctl.example.net:50051', undefined],
    ['ctl.example.net:70000', undefined],
    ['::1:50051', undefined],
  ])('%s', (address, expected) => {
    expect(splitHostPort(address)).toEqual(expected);
  });
});

describe('loopback', () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::1', true],
    ['10.0.0.1', false],
    ['128.0.0.1', false],
    ['127.example.net', false],
    ['ctl.example.net', false],
    ['::', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it('an address is loopback when its host is', () => {
    expect(isLoopbackAddress('[::1]:50051')).toBe(true);
    expect(isLoopbackAddress('127.0.0.1:50051')).toBe(true);
    expect(isLoopbackAddress('ctl.example.net:50051')).toBe(false);
    expect(isLoopbackAddress('not an address')).toBe(false);
  });
});
