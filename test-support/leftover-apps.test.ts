import Docker from 'dockerode';
import { removeLeftoverApps } from './leftover-apps';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const IMAGE = 'tomo-test/busybox:1'; // built by scripts/testbed.sh

async function sleeper(name: string, labels: Record<string, string>, network?: string) {
  const c = await docker.createContainer({ name, Image: IMAGE, Cmd: ['sleep', '600'], Labels: labels, HostConfig: network ? { NetworkMode: network } : {} });
  await c.start();
  return c;
}

test('an app container and a tomo- Compose network left by an earlier file are removed; anything else stays', async () => {
  const suffix = Date.now().toString(36);
  const leftNetwork = await docker.createNetwork({ Name: `tomo-leftover-${suffix}_default`, Labels: { 'com.docker.compose.project': `tomo-leftover-${suffix}` } });
  const otherNetwork = await docker.createNetwork({ Name: `other-${suffix}_default`, Labels: { 'com.docker.compose.project': `other-${suffix}` } });
  const app = await sleeper(`tomo-leftover-${suffix}-app-1`, { 'io.tomo.installation': 'x' }, `tomo-leftover-${suffix}_default`);
  const bystander = await sleeper(`bystander-${suffix}`, {});
  try {
    // Only this test's own names: other test runs may share this engine.
    const removed = await removeLeftoverApps(docker, `tomo-leftover-${suffix}`);
    expect(removed).toEqual({ containers: 1, networks: 1 });
    await expect(app.inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(leftNetwork.inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await bystander.inspect()).State.Running).toBe(true);
    expect((await otherNetwork.inspect()).Name).toBe(`other-${suffix}_default`);
  } finally {
    await bystander.remove({ force: true });
    await otherNetwork.remove();
  }
});
