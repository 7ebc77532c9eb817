import { canAccess, ownerScope, requireOwned } from '../index';
import type { Principal } from './principal';

const admin: Principal = { id: 'a', name: 'a', role: 'admin', credentialKind: 'session' };
const alice: Principal = { id: 'alice', name: 'alice', role: 'user', credentialKind: 'session' };

test('ownerScope: no restriction for an admin, ownerId for a user', () => {
  expect(ownerScope(admin)).toEqual({});
  expect(ownerScope(alice)).toEqual({ ownerId: 'alice' });
});

test("canAccess: an admin reaches every record, a user only their own", () => {
  expect(canAccess(admin, { ownerId: 'bob' })).toBe(true);
  expect(canAccess(alice, { ownerId: 'alice' })).toBe(true);
  expect(canAccess(alice, { ownerId: 'bob' })).toBe(false);
});

test("requireOwned: someone else's record and a missing one look the same (404)", () => {
  const own = { ownerId: 'alice', name: 'x' };
  expect(requireOwned(alice, own, 'Server')).toBe(own);
  for (const record of [{ ownerId: 'bob' }, null, undefined]) {
    expect(() => requireOwned(alice, record, 'Server')).toThrow(expect.objectContaining({ status: 404, code: 'not_found', message: 'Server not found' }));
  }
});
