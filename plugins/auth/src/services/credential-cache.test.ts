import type { Principal } from '@tomo/kernel';
import { CredentialCache } from './credential-cache';

const alice: Principal = { id: 'u1', name: 'alice', role: 'admin', sessionId: 's1', credentialKind: 'session' };
const bob: Principal = { id: 'u2', name: 'bob', role: 'user', sessionId: 't1', credentialKind: 'api_token' };

test('entries expire at the TTL or at the credential expiry, whichever comes first', () => {
  jest.useFakeTimers({ now: 1_000_000 });
  try {
    const cache = new CredentialCache(1000);
    cache.set('a', alice);
    cache.set('b', bob, 1_000_500);
    expect(cache.get('a')).toBe(alice);
    jest.setSystemTime(1_000_600);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(alice);
    jest.setSystemTime(1_001_001);
    expect(cache.get('a')).toBeUndefined();
  } finally {
    jest.useRealTimers();
  }
});

test('forgetRecord and forgetUser drop exactly the matching entries', () => {
  const cache = new CredentialCache();
  cache.set('a1', alice);
  cache.set('a2', { ...alice, sessionId: 's2' });
  cache.set('b', bob);
  cache.forgetRecord('s1');
  expect(cache.get('a1')).toBeUndefined();
  expect(cache.get('a2')).toBeDefined();
  cache.forgetUser('u1');
  expect(cache.get('a2')).toBeUndefined();
  expect(cache.get('b')).toBe(bob);
});

test('the oldest entry is evicted when full', () => {
  const cache = new CredentialCache(60000, 2);
  cache.set('1', alice);
  cache.set('2', alice);
  cache.set('3', bob);
  expect(cache.get('1')).toBeUndefined();
  expect(cache.get('3')).toBe(bob);
});
