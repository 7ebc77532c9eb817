import { classifySshError, SshError } from './ssh-errors';

// Only 127.0.0.0/8 may be contacted from the test machine, so the codes that need another network
// (no route, unknown name) are checked here, on the errors Node and ssh2 raise for them.
const socketError = (code: string, message = `connect ${code} 192.0.2.1:22`) => Object.assign(new Error(message), { code, level: 'client-socket' });

test.each([
  ['ECONNREFUSED', 'connection_refused'],
  ['EHOSTUNREACH', 'host_unreachable'],
  ['ENETUNREACH', 'host_unreachable'],
  ['ENOTFOUND', 'host_not_found'],
  ['EAI_AGAIN', 'host_not_found'],
  ['ETIMEDOUT', 'timed_out'],
  ['ECONNRESET', 'connection_lost'],
  ['EPIPE', 'connection_lost'],
])('socket error %s -> %s', (code, expected) => {
  const error = classifySshError(socketError(code));
  expect(error).toBeInstanceOf(SshError);
  expect(error.code).toBe(expected);
  expect(error.sshCode).toBe(expected);
  expect(error.status).toBe(502);
});

test.each([
  ['ssh2 authentication failure', Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' }), 'auth_failed'],
  ['the same message without a level', new Error('All configured authentication methods failed'), 'auth_failed'],
  ['ssh2 ready timeout', Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' }), 'timed_out'],
  ['a refused host key (verifier said no)', Object.assign(new Error('Host denied (verification failed)'), { level: 'handshake' }), 'host_key_changed'],
  ['a channel request on a dead connection', new Error('No response from server'), 'connection_lost'],
  ['exec on a closed client', new Error('Not connected'), 'connection_lost'],
  ['no common host key algorithm', Object.assign(new Error('Handshake failed: no matching host key format'), { level: 'handshake' }), 'ssh_failed'],
  ['a host key signature that does not verify', Object.assign(new Error('Handshake failed: signature verification failed for ssh-ed25519 host key'), { level: 'handshake' }), 'ssh_failed'],
  ['something else', new Error('boom'), 'ssh_failed'],
  ['not even an Error', 'weird', 'ssh_failed'],
  ['undefined', undefined, 'ssh_failed'],
])('%s -> %s', (_label, err, expected) => {
  expect(classifySshError(err).code).toBe(expected);
});

test('a negotiation failure keeps ssh2\'s fixed words as the detail', () => {
  const error = classifySshError(Object.assign(new Error('Handshake failed: no matching host key format'), { level: 'handshake' }));
  expect(error.message).toBe('SSH connection failed (no matching host key format)');
});

test('a rejected host key wins over whatever ssh2 reported', () => {
  expect(classifySshError(socketError('ECONNRESET'), { hostKeyRejected: true }).code).toBe('host_key_changed');
});

test('an SshError passes through unchanged', () => {
  const original = new SshError('command_timed_out', 'after 5 ms');
  expect(classifySshError(original)).toBe(original);
  expect(original.message).toBe('The command did not finish before its deadline and was stopped (after 5 ms)');
});

test('messages are fixed sentences: nothing of the original error (which could hold a secret) is copied', () => {
  const secret = 'hunter2-secret';
  for (const err of [new Error(`bad ${secret}`), Object.assign(new Error(secret), { code: 'ECONNREFUSED' }), Object.assign(new Error(secret), { level: 'client-authentication' })]) {
    const error = classifySshError(err);
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error.toJSON())).not.toContain(secret);
  }
  // An unknown error keeps only its code as detail.
  expect(classifySshError(Object.assign(new Error(secret), { code: 'EPROTO' })).message).toBe('SSH connection failed (EPROTO)');
});
