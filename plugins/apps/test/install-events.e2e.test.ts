/**
 * An install's progress as server-sent events (`GET /api/apps/installations/:id/events`), on the
 * test bed (real sshd, real Docker engine): the stream starts with the whole installation, sends
 * the steps as they change, ends with the installed view and `end`; the same access as reading
 * the installation (owner or admin; 404 for anyone else and for nothing); a finished install
 * answers at once.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { addTestbedServer, freePort, localDocker, markPrepared, startAppsKernel, waitInstalled, type AppsKernel } from './support/apps-kernel';

let t: AppsKernel;
let serverId: string;

beforeAll(async () => {
  t = await startAppsKernel();
  serverId = await addTestbedServer(t, t.tokens.alice);
  await markPrepared(t, serverId);
});

afterAll(async () => {
  const docker = localDocker();
  const left = await docker.listContainers({ all: true, filters: { label: ['io.tomo.managed=true'] } });
  for (const c of left) if (c.Labels['io.tomo.server'] === serverId) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  await t?.stop();
});

const eventsUrl = (id: string) => `${t.url}/api/apps/installations/${id}/events`;

/** Reads the whole stream (it ends by itself after `end`), each event with its data parsed. */
async function readStream(id: string, token: string): Promise<{ status: number; type: string | null; events: Array<{ event: string; data: any }> }> {
  const res = await fetch(eventsUrl(id), { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: AbortSignal.timeout(60000) });
  const events: Array<{ event: string; data: any }> = [];
  const parser = createParser({ onEvent: (m: EventSourceMessage) => events.push({ event: m.event ?? 'message', data: JSON.parse(m.data) }) });
  const text = await res.text();
  if (res.ok) parser.feed(text);
  else events.push({ event: 'error', data: JSON.parse(text) });
  return { status: res.status, type: res.headers.get('content-type'), events };
}

test('follows an install from the first step to the running app, then ends', async () => {
  const port = await freePort();
  const res = await t.request('POST', `/api/servers/${serverId}/apps`, { token: t.tokens.alice, body: { appId: 'web-hello', ports: { '80/tcp': port } } });
  expect(res.status).toBe(202);
  const id = res.body.installation.id as string;
  const { status, type, events } = await readStream(id, t.tokens.alice);
  expect([status, type]).toEqual([200, 'text/event-stream; charset=utf-8']);
  const names = events.map((e) => e.event);
  expect(names[0]).toBe('installation');
  expect(names.slice(-2)).toEqual(['installation', 'end']);
  // The install was still running when the stream opened (the image is local, but starting and
  // probing the container take a moment): the steps came as they changed.
  expect(events[0].data.installation).toMatchObject({ id, state: 'installing' });
  const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.steps as Array<{ id: string; state: string }>);
  expect(progress.length).toBeGreaterThan(0);
  expect(progress.some((steps) => steps.some((s) => s.state === 'running'))).toBe(true);
  expect(progress.at(-1)!.map((s) => `${s.id}:${s.state}`)).toEqual(['check:done', 'pull:skipped', 'create:done', 'start:done', 'health:done']);
  const last = events.at(-2)!.data.installation;
  expect(last).toMatchObject({ id, state: 'running', url: `http://127.0.0.1:${port}/` });
  // Nothing secret in the stream.
  expect(JSON.stringify(events)).not.toMatch(/secretsSealed|APP_SECRET":"[^n]/);

  // Finished: the stream answers the installation and ends at once, for its owner and an admin.
  for (const token of [t.tokens.alice, t.tokens.admin]) {
    const again = await readStream(id, token);
    expect(again.events.map((e) => [e.event, e.data.installation?.state])).toEqual([
      ['installation', 'running'],
      ['end', undefined],
    ]);
  }

  // Anyone else, and an id of nothing: 404 before anything is streamed.
  const bob = await readStream(id, t.tokens.bob);
  expect([bob.status, bob.events[0].data.error.code]).toEqual([404, 'not_found']);
  const none = await readStream('6f2b8f54-0000-4000-8000-000000000000', t.tokens.alice);
  expect(none.status).toBe(404);
  const bad = await readStream('not-a-uuid', t.tokens.alice);
  expect([bad.status, bad.events[0].data.error.field]).toEqual([400, 'id']);
  expect((await fetch(eventsUrl(id))).status).toBe(401);

  await waitInstalled(t, t.tokens.alice, id);
  expect((await t.request('DELETE', `/api/apps/installations/${id}?deleteData=true`, { token: t.tokens.alice })).status).toBe(200);
});
