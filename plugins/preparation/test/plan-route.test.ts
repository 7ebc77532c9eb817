/**
 * Which preparer a server reporting a given OS gets, asked over HTTP without a server: the same
 * choice a run makes after detecting the OS (select-preparer), with the plan's steps.
 */
import { startPreparationKernel, type PreparationKernel } from './support/preparation-kernel';

let t: PreparationKernel;
beforeAll(async () => {
  t = await startPreparationKernel();
});
afterAll(() => t?.stop());

test('the preparers are listed with what they support', async () => {
  const res = await t.request('GET', '/api/preparation/preparers', { token: t.token });
  expect(res.status).toBe(200);
  expect(res.body.preparers.map((p: { id: string }) => p.id)).toEqual(['debian-family', 'rhel-family']);
  expect(res.body.preparers[0].supported).toEqual(expect.arrayContaining(['Debian 12', 'Ubuntu 24.04']));
});

test.each([
  [{ id: 'debian', versionId: '12', idLike: [] }, 'debian-family'],
  [{ id: 'ubuntu', versionId: '24.04', idLike: ['debian'] }, 'debian-family'],
  [{ id: 'rocky', versionId: '9.4', idLike: ['rhel', 'centos', 'fedora'] }, 'rhel-family'],
])('%j gets %s, starting with OS detection', async (os, preparer) => {
  const res = await t.request('POST', '/api/preparation/plan', { token: t.token, body: os });
  expect(res.status).toBe(200);
  expect(res.body.preparer).toBe(preparer);
  expect(res.body.steps[0]).toEqual({ id: 'detect-os', title: 'Detect the operating system' });
  expect(res.body.steps.map((s: { id: string }) => s.id)).toContain('verify-docker');
  // Compose v2 comes last, after Docker is verified (its absence does not fail a preparation).
  expect(res.body.steps.at(-1)).toEqual({ id: 'install-docker-compose', title: 'Install Docker Compose v2' });
});

test('an unsupported OS is a 400 naming the supported ones; bad input names the field', async () => {
  const res = await t.request('POST', '/api/preparation/plan', { token: t.token, body: { id: 'alpine', versionId: '3.20.1' } });
  expect(res.status).toBe(400);
  expect(res.body.error.message).toMatch(/^unsupported OS alpine 3\.20\.1; supported: .*Debian 12/);
  const bad = await t.request('POST', '/api/preparation/plan', { token: t.token, body: { id: 'Debian; rm', versionId: '12' } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.field).toBe('id');
  expect((await t.request('POST', '/api/preparation/plan', { body: { id: 'debian', versionId: '12' } })).status).toBe(401);
});
