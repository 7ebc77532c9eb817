import type { AppEnvVar } from './api';
import { checkHostPort, checkPorts, checkSetting, checkSettings, type PortChoice } from './validation';

const port = (container: number, host: string, protocol: 'tcp' | 'udp' = 'tcp', extra: Partial<PortChoice> = {}): PortChoice => ({
  key: `${container}/${protocol}`,
  container,
  protocol,
  optional: false,
  host,
  publish: true,
  fixed: false,
  ...extra,
});
const env = (overrides: Partial<AppEnvVar> = {}): AppEnvVar => ({ name: 'DB_USER', label: 'Database user', required: false, secret: false, ...overrides });

describe('checkHostPort', () => {
  it.each([
    ['', 'Enter a host port'],
    ['  ', 'Enter a host port'],
    ['abc', 'Use a whole number from 1 to 65535'],
    ['80.5', 'Use a whole number from 1 to 65535'],
    ['-1', 'Use a whole number from 1 to 65535'],
    ['0', 'Use a port from 1 to 65535'],
    ['65536', 'Use a port from 1 to 65535'],
  ])('%j → %s', (text, message) => expect(checkHostPort(text)).toBe(message));

  it.each(['1', '80', ' 8080 ', '65535'])('accepts %j', (text) => expect(checkHostPort(text)).toBeUndefined());
});

describe('checkPorts', () => {
  it('finds a host port used twice with the same protocol, not across protocols', () => {
    expect(checkPorts([port(53, '53'), port(53, '53', 'udp'), port(80, '8080'), port(8080, '8080')])).toEqual({
      'ports.8080/tcp': 'Host port 8080/tcp is already used for container port 80/tcp',
    });
  });

  it('compares numbers, not text, and skips unpublished ports', () => {
    expect(checkPorts([port(80, '8080'), port(81, ' 08080')])).toEqual({ 'ports.81/tcp': 'Host port 8080/tcp is already used for container port 80/tcp' });
    expect(checkPorts([port(80, '8080'), port(81, '8080', 'tcp', { optional: true, publish: false }), port(82, 'x', 'tcp', { publish: false })])).toEqual({});
  });
});

describe('checkSetting', () => {
  it('requires a value for a required setting, but not for a generated one', () => {
    expect(checkSetting(env({ required: true }), ' ')).toBe('Enter Database user');
    expect(checkSetting(env({ required: true, label: 'DB_USER' }), '')).toBe('Enter a value');
    expect(checkSetting(env({ required: true }), 'tomo')).toBeUndefined();
    expect(checkSetting(env({ generate: 'password', secret: true }), '')).toBeUndefined();
    expect(checkSetting(env(), '')).toBeUndefined();
  });

  it('accepts only a listed value for a choice', () => {
    const choice = env({ options: [{ value: 'a', label: 'A' }] });
    expect(checkSetting(choice, 'b')).toBe('Choose one of the listed values');
    expect(checkSetting(choice, 'a')).toBeUndefined();
    expect(checkSetting(choice, '')).toBeUndefined();
  });

  it('keys every problem by settings.<NAME>', () => {
    expect(checkSettings([env({ required: true }), env({ name: 'TZ', label: 'Time zone' })], { TZ: 'UTC' })).toEqual({ 'settings.DB_USER': 'Enter Database user' });
  });
});
