import { describeActivity } from './describe';
import type { ActivityEntryView } from './views';

type Entry = Parameters<typeof describeActivity>[0];
const entry = (over: Partial<Entry>): Entry => ({
  action: 'auth.login',
  username: 'accadmin',
  userId: 'u-1',
  targetType: 'user',
  targetId: 'u-1',
  targetName: 'accadmin',
  result: 'ok',
  door: 'console',
  ...over,
});

describe('describeActivity', () => {
  it('words terminals opened and closed, on a server or in an app', () => {
    const server = { targetType: 'server', targetName: 'web-1', targetId: 's-1' };
    expect(describeActivity(entry({ action: 'terminal.opened', ...server, detail: 'terminal t-1' }))).toBe('accadmin opened a terminal on server web-1');
    expect(describeActivity(entry({ action: 'terminal.closed', ...server, detail: 'terminal t-1; 42 s; closed: user' }))).toBe("accadmin's terminal on server web-1 closed");
    expect(describeActivity(entry({ action: 'terminal.closed', ...server, detail: 'terminal t-1; 900 s; closed: idle' }))).toBe("accadmin's terminal on server web-1 closed after being idle");
    expect(describeActivity(entry({ action: 'terminal.opened', targetType: 'installation', targetName: 'Web Hello / web', targetId: 'i-1' }))).toBe('accadmin opened a shell in Web Hello / web');
  });

  it('words sign-ins with the door they came through', () => {
    expect(describeActivity(entry({}))).toBe('accadmin signed in from the console');
    expect(describeActivity(entry({ door: 'api' }))).toBe('accadmin signed in through the API');
    expect(describeActivity(entry({ door: 'mcp' }))).toBe('accadmin signed in through MCP');
    expect(describeActivity(entry({ door: null }))).toBe('accadmin signed in');
    expect(describeActivity(entry({ detail: 'with a passkey' }))).toBe('accadmin signed in with a passkey from the console');
    expect(describeActivity(entry({ action: 'auth.passkey_add', targetType: 'passkey', targetName: 'Laptop' }))).toBe('accadmin added passkey Laptop');
    expect(describeActivity(entry({ action: 'auth.passkey_delete', targetType: 'passkey', targetName: 'Laptop' }))).toBe('accadmin deleted passkey Laptop');
    expect(describeActivity(entry({ action: 'auth.login_failed', username: null, userId: null, targetId: null, targetName: 'mallory', result: 'failed' }))).toBe(
      'A sign-in as mallory failed from the console',
    );
  });

  it('names who did it and what it was about', () => {
    const server = { targetType: 'server', targetId: 's-1', targetName: 'web-1' };
    expect(describeActivity(entry({ action: 'server.add', ...server }))).toBe('accadmin added server web-1');
    expect(describeActivity(entry({ action: 'server.update', ...server }))).toBe('accadmin changed server web-1');
    expect(describeActivity(entry({ action: 'app.install', targetType: 'app', targetName: 'Uptime Kuma' }))).toBe('accadmin installed app Uptime Kuma');
    expect(describeActivity(entry({ action: 'app.install', targetType: 'app', targetName: 'Uptime Kuma', result: 'failed' }))).toBe('accadmin could not install app Uptime Kuma');
    expect(describeActivity(entry({ action: 'auth.token_create', targetType: 'api_token', targetName: 'ci' }))).toBe('accadmin created API token ci');
    expect(describeActivity(entry({ action: 'auth.token_revoke', targetType: 'api_token', targetName: null, targetId: 't-9' }))).toBe('accadmin revoked an API token');
    expect(describeActivity(entry({ action: 'backup.export', targetType: 'instance', targetId: null, targetName: null }))).toBe('accadmin exported a backup');
  });

  it('words the alerts plugin\'s entries: alerts firing and resolving (Tomo\'s own), rules, silences and channels', () => {
    const alert = { username: null, userId: null, door: 'system' as const, targetType: 'alert', targetId: 'a-1', targetName: 'Disk / at 93 % on nas' };
    expect(describeActivity(entry({ action: 'alert.fire', ...alert, detail: 'Disk over 90 %' }))).toBe('Alert: Disk / at 93 % on nas');
    expect(describeActivity(entry({ action: 'alert.fire', ...alert, detail: 'Disk over 90 % (silenced: not sent)' }))).toBe('Alert: Disk / at 93 % on nas (silenced)');
    expect(describeActivity(entry({ action: 'alert.resolve', ...alert }))).toBe('Resolved: Disk / at 93 % on nas');
    expect(describeActivity(entry({ action: 'alert_rule.create', targetType: 'alert_rule', targetName: 'CPU hot' }))).toBe('accadmin created alert rule CPU hot');
    expect(describeActivity(entry({ action: 'alert_silence.create', targetType: 'alert_silence', targetName: null }))).toBe('accadmin silenced alerts');
    expect(describeActivity(entry({ action: 'alert_channel.test', targetType: 'alert_channel', targetName: 'Pager' }))).toBe('accadmin sent a test notification to Pager');
  });

  it("words Tomo's own events without an actor, and a deleted account as such", () => {
    const polled = { username: null, userId: null, door: 'system' as const, targetType: 'server', targetId: 's-1', targetName: 'pi' };
    expect(describeActivity(entry({ action: 'server.offline', result: 'failed', ...polled }))).toBe('Server pi went offline');
    expect(describeActivity(entry({ action: 'server.online', ...polled }))).toBe('Server pi came back online');
    expect(describeActivity(entry({ action: 'app.crashed', ...polled, targetType: 'app', targetName: 'Gitea' }))).toBe('App Gitea crashed');
    expect(describeActivity(entry({ action: 'server.delete', username: null, targetName: 'old' }))).toBe('A deleted user deleted server old');
  });

  it('words host-key events: who met or accepted the key, or Tomo itself', () => {
    const server = { targetType: 'server', targetId: 's-1', targetName: 'web-1' };
    const system = { username: null, userId: null, door: 'system' as const };
    expect(describeActivity(entry({ action: 'server.host_key_trusted', door: 'api', ...server }))).toBe('accadmin trusted the host key of server web-1 on first contact');
    expect(describeActivity(entry({ action: 'server.host_key_trusted', ...system, ...server }))).toBe('Tomo trusted the host key of server web-1 on first contact');
    expect(describeActivity(entry({ action: 'server.host_key_changed', result: 'failed', ...system, ...server }))).toBe('Tomo found a changed host key on server web-1');
    expect(describeActivity(entry({ action: 'server.host_key_accepted', ...server }))).toBe('accadmin accepted the new host key of server web-1');
    expect(describeActivity(entry({ action: 'server.host_key_restored', ...system, ...server }))).toBe('Server web-1 presented its trusted host key again, and the changed key was dropped');
  });

  it('turns a code it has no sentence for into words, with the target and a failure', () => {
    expect(describeActivity(entry({ action: 'my_plugin.did_thing', targetType: 'server', targetName: 'web-1' }))).toBe('accadmin: my plugin did thing (web-1)');
    expect(describeActivity(entry({ action: 'thing.went_wrong', username: null, userId: null, targetName: null, targetId: null, result: 'failed' }))).toBe('Tomo: thing went wrong — failed');
  });
});

// The view type carries the sentence: a change to the describer's input shape must keep fitting it.
const check: (e: ActivityEntryView) => string = describeActivity;
void check;
