/**
 * Issue 17's progress for uninstall, on the test bed (real sshd, real Docker): a client opens the
 * installation's event stream with `?next=1`, then uninstalls with the data deleted; the stream
 * carries the steps as they change ("Stop and remove the app", "Delete the data"), in order, and
 * ends with `removed` and `end` once the record is gone (no error, no reconnect loop). The
 * uninstall's own answer is unchanged. Without the data, its step is skipped and says the data is kept.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { addTestbedServer, localDocker, markPrepared, startAppsKernel, waitInstalled, type AppsKernel } from './support/apps-kernel';
import { freePort } from '../../../test-support/ports';

jest.setTimeout(120000);

let t: AppsKernel;
const servers = new Set<string>();

beforeAll(async () => {
  t = await startAppsKernel();
}, 60000);

afterAll(async () => {
  const docker = localDocker();
  const left = await docker.listContainers({ all: true, filters: { label: ['io.tomo.managed=true'] } });
  for (const c of left) if (servers.has(c.Labels['io.tomo.server'])) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  await t?.stop();
});

type Event = { event: string; data: any };

/**
 * Opens the stream with `?next=1`, runs `act` once the first event is in (the wait for the next
 * operation is registered by then), and reads until the server ends the stream.
 */
async function streamAround(id: string, act: () => Promise<unknown>): Promise<{ events: Event[]; acted: unknown }> {
  const res = await fetch(`${t.url}/api/apps/installations/${id}/events?next=1`, { headers: { authorization: `Bearer ${t.tokens.alice}`, accept: 'text/event-stream' }, signal: AbortSignal.timeout(90000) });
  expect(res.status).toBe(200);
  const events: Event[] = [];
  let acting: Promise<unknown> | null = null;
  const parser = createParser({
    onEvent: (m: EventSourceMessage) => {
      events.push({ event: m.event ?? 'message', data: JSON.parse(m.data) });
      acting ??= act();
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
  return { events, acted: await acting };
}

describe.each(['compose', 'engine'] as const)('%s installation', (deployment) => {
  let serverId: string;

  beforeAll(async () => {
    serverId = await addTestbedServer(t, t.tokens.alice);
    servers.add(serverId);
    await markPrepared(t, serverId, deployment === 'engine' ? { compose: null } : {});
  });

  async function installed(): Promise<any> {
    const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': await freePort() } } });
    expect(res.status).toBe(202);
    const view = await waitInstalled(t, t.tokens.alice, res.body.installation.id);
    expect(view).toMatchObject({ state: 'running', deployment });
    // Data the app wrote (as root), for the uninstall to delete.
    execFileSync('docker', ['exec', '-u', '0', view.containerName, 'sh', '-c', 'mkdir -p /data/db && echo kept > /data/db/file']);
    expect(fs.existsSync(path.join(view.dataDir, 'data', 'db', 'file'))).toBe(true);
    return view;
  }

  test('uninstall with the data: the steps arrive in order, then `removed` and `end`', async () => {
    const app = await installed();
    const { events, acted } = await streamAround(app.id, () => t.request('DELETE', `/api/apps/installations/${app.id}?deleteData=true`, { token: t.tokens.alice }));
    // The synchronous answer is as before.
    expect(acted).toMatchObject({ status: 200, body: { removed: true, dataDeleted: true } });

    const names = events.map((e) => e.event);
    expect(names[0]).toBe('installation');
    expect(events[0].data.installation).toMatchObject({ id: app.id, state: 'running' });
    expect(names.slice(-2)).toEqual(['removed', 'end']);
    expect(events.at(-2)!.data).toEqual({ id: app.id });
    expect(names.slice(1, -2).every((n) => n === 'progress')).toBe(true);

    // Each step went pending → running → done, the removal before the data.
    const snapshots = events.filter((e) => e.event === 'progress').map((e) => (e.data.steps as Array<{ id: string; state: string }>).map((s) => `${s.id}:${s.state}`).join(' '));
    expect(snapshots).toEqual(['remove:running data:pending', 'remove:done data:pending', 'remove:done data:running', 'remove:done data:done']);
    const last = events.filter((e) => e.event === 'progress').at(-1)!.data.steps;
    expect(last).toEqual([
      { id: 'remove', title: 'Stop and remove the app', state: 'done', detail: expect.stringMatching(/ removed$/) },
      { id: 'data', title: 'Delete the data', state: 'done', detail: `${app.dataDir} deleted` },
    ]);

    // And it did what the steps say.
    await expect(localDocker().getContainer(app.containerName).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(fs.existsSync(app.dataDir)).toBe(false);
    expect((await t.request('GET', `/api/apps/installations/${app.id}`, { token: t.tokens.alice })).status).toBe(404);
  });

  test('uninstall keeping the data: its step is skipped and says where the data stays', async () => {
    const app = await installed();
    const { events, acted } = await streamAround(app.id, () => t.request('DELETE', `/api/apps/installations/${app.id}`, { token: t.tokens.alice }));
    expect(acted).toMatchObject({ status: 200, body: { removed: true, dataDeleted: false } });
    expect(events.map((e) => e.event).slice(-2)).toEqual(['removed', 'end']);
    const last = events.filter((e) => e.event === 'progress').at(-1)!.data.steps;
    expect(last.map((s: { id: string; state: string }) => `${s.id}:${s.state}`)).toEqual(['remove:done', 'data:skipped']);
    expect(last[1].detail).toBe(`Kept in ${app.dataDir}, as asked`);
    expect(fs.existsSync(path.join(app.dataDir, 'data', 'db', 'file'))).toBe(true);
    fs.rmSync(app.dataDir, { recursive: true, force: true });
  });
});

test('without ?next=1 a settled installation still answers and ends at once', async () => {
  const serverId = await addTestbedServer(t, t.tokens.alice);
  servers.add(serverId);
  await markPrepared(t, serverId);
  const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': await freePort() } } });
  const app = await waitInstalled(t, t.tokens.alice, res.body.installation.id);
  const text = await (await fetch(`${t.url}/api/apps/installations/${app.id}/events`, { headers: { authorization: `Bearer ${t.tokens.alice}` }, signal: AbortSignal.timeout(30000) })).text();
  expect([...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1])).toEqual(['installation', 'end']);
  expect((await t.request('DELETE', `/api/apps/installations/${app.id}?deleteData=true`, { token: t.tokens.alice })).status).toBe(200);
});
