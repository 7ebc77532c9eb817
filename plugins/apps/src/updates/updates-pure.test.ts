import type Docker from 'dockerode';
import { parseAppDefinition } from '../catalog';
import { validDefinition } from '../catalog/test-fixtures';
import { appOf } from '../install/test-fixtures';
import { InstallFailure } from '../services/installer';
import { conciseFailure, pinnedApp } from './compose-update';
import { pinnedReference, repositoryOf } from './image-digests';
import { checkForUpdate } from './update-check';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

describe('image references', () => {
  it('keeps registry and port, drops tag and digest; a pinned reference names the digest only', () => {
    expect(repositoryOf('tomo-registry.test:5000/tomo-test/webapp:3-unhealthy')).toBe('tomo-registry.test:5000/tomo-test/webapp');
    expect(repositoryOf(`nginx:1.27@${D1}`)).toBe('nginx');
    expect(pinnedReference('ghcr.io/owner/app:2', D2)).toBe(`ghcr.io/owner/app@${D2}`);
    expect(() => repositoryOf('bad ref; rm -rf /')).toThrow(/not an image reference/);
  });
});

describe('pinnedApp', () => {
  it('pins a single-container app to the digest it ran, and leaves an image without a digest as it was', () => {
    const app = appOf({ image: 'tomo-test/webapp:1' });
    expect(pinnedApp(app, [{ service: app.id, image: 'tomo-test/webapp:1', digest: D1 }]).image).toBe(`tomo-test/webapp@${D1}`);
    expect(pinnedApp(app, [{ service: app.id, image: 'tomo-test/webapp:1', digest: null }]).image).toBe('tomo-test/webapp:1');
  });

  it('pins every service of a multi-service app by its own recorded digest', () => {
    const { image: _image, ...base } = validDefinition({ id: 'stack' });
    const r = parseAppDefinition({ ...base, services: { web: { image: 'nginx:1.27' }, db: { image: 'postgres:17.2' } } }, 'stack.yaml');
    const pinned = pinnedApp(r.app!, [
      { service: 'web', image: 'nginx:1.27', digest: D1 },
      { service: 'db', image: 'postgres:17.2', digest: D2 },
    ]);
    expect(pinned.services!.map((s) => s.image)).toEqual([`nginx@${D1}`, `postgres@${D2}`]);
    expect(pinned.image).toBe(`nginx@${D1}`);
  });
});

describe('conciseFailure', () => {
  it("keeps what was being done and Compose's last line, not its progress lines", () => {
    const err = new InstallFailure('Could not start the app: Container x-app-1  Recreate\n Container x-app-1  Started\ncontainer x-app-1 is unhealthy');
    expect(conciseFailure(err)).toBe('Could not start the app: container x-app-1 is unhealthy');
    expect(conciseFailure(new InstallFailure('The app did not answer within 8 s'))).toBe('The app did not answer within 8 s');
    expect(conciseFailure(new Error('boom'))).toBe('Unexpected error: boom');
  });
});

describe('checkForUpdate', () => {
  /** A stand-in engine whose registry answers `digest`, or fails (the error path). */
  const engine = (answer: string | Error) =>
    ({ getImage: () => ({ distribution: async () => (answer instanceof Error ? Promise.reject(answer) : { Descriptor: { digest: answer } }) }) }) as unknown as Docker;
  const installed = { app: appOf({ version: '1', image: 'reg:5000/team/app:1' }), images: [{ service: 'app', image: 'reg:5000/team/app:1', digest: D1 }] };

  it('says why: a new catalog version, a new digest under the tag, or nothing', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(await checkForUpdate(installed, appOf({ version: '1', image: 'reg:5000/team/app:1' }), engine(D1), now)).toEqual({ checkedAt: now.toISOString(), available: false, reasons: [], catalogVersion: '1', error: null });
    const both = await checkForUpdate(installed, appOf({ version: '2', image: 'reg:5000/team/app:2' }), engine(D2), now);
    expect(both.reasons).toEqual(['the catalog has version 2 (installed: 1)', 'the registry has a new image for reg:5000/team/app:1 (222222222222, installed: 111111111111)']);
    expect(both.available).toBe(true);
  });

  it('reports a registry that cannot be asked, and still answers from the catalog', async () => {
    const check = await checkForUpdate(installed, appOf({ version: '2', image: 'reg:5000/team/app:2' }), engine(Object.assign(new Error('x'), { json: { message: 'connection refused' } })));
    expect(check).toMatchObject({ available: true, reasons: ['the catalog has version 2 (installed: 1)'], error: 'the registry could not be asked about reg:5000/team/app:1: connection refused' });
  });

  it('an app that left the catalog is checked against the registry only', async () => {
    expect(await checkForUpdate(installed, undefined, engine(D1))).toMatchObject({ available: false, catalogVersion: null });
  });
});
