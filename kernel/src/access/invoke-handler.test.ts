import pino from 'pino';
import type { CallContext } from './call-context';
import { invokeHandler } from './invoke-handler';
import type { Principal } from './principal';

const alice: Principal = { id: 'alice', name: 'alice', role: 'user', credentialKind: 'session' };
const anonymous: CallContext = { transport: 'http', clientIp: '127.0.0.1', requestId: 'r1', log: pino({ enabled: false }) };

test('a public handler runs with or without a principal', () => {
  const seen: Array<string | undefined> = [];
  const route = { access: 'public' as const, handler: (_input: unknown, call: CallContext) => seen.push(call.principal?.id) };
  invokeHandler(route, {}, anonymous);
  invokeHandler(route, {}, { ...anonymous, principal: alice });
  expect(seen).toEqual([undefined, 'alice']);
});

test('a login-required handler gets the principal, and never runs without one (401)', () => {
  const seen: string[] = [];
  for (const access of ['authenticated', 'admin'] as const) {
    const route = { access, handler: (_input: unknown, call: { principal: Principal }) => seen.push(`${access}:${call.principal.id}`) };
    invokeHandler(route, {}, { ...anonymous, principal: alice });
    expect(() => invokeHandler(route, {}, anonymous)).toThrow(expect.objectContaining({ status: 401, code: 'unauthorized' }));
  }
  expect(seen).toEqual(['authenticated:alice', 'admin:alice']);
});
