import fs from 'node:fs';
import Docker from 'dockerode';

/**
 * Runs before each backend test file (jest setupFilesAfterEnv): removes what an earlier test file
 * left on the test bed's engine — app containers (labelled io.tomo.installation) and the Compose
 * networks of Tomo's projects (tomo-*). Test files run one at a time (maxWorkers: 1), so anything
 * of that kind on the engine now belongs to a file that has finished. Why it matters: a test that
 * ends without uninstalling leaves its project's network, and the engine's default address pools
 * hold about 30 networks; a full run that leaked past that would fail every later Compose install
 * with "could not find an available, non-overlapping IPv4 address pool".
 * Fresh test servers run engines of their own and are not touched; nor is anything else.
 * Only under CI (CI set, as .ci/run has it): there the suite has the machine to itself, while on a
 * developer's machine several worktrees may be testing against the same engine at once, and one
 * file's clean-up would remove another run's live containers.
 */
const SOCKET = '/var/run/docker.sock';

export async function removeLeftoverApps(docker = new Docker({ socketPath: SOCKET }), namePrefix = 'tomo-'): Promise<{ containers: number; networks: number }> {
  const labelled = await docker.listContainers({ all: true, filters: { label: ['io.tomo.installation'] } });
  const containers = labelled.filter((c) => c.Names.some((n) => n.replace(/^\//, '').startsWith(namePrefix)));
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  const networks = await docker.listNetworks({ filters: { label: ['com.docker.compose.project'] } });
  const ours = networks.filter((n) => n.Name.startsWith(namePrefix));
  await Promise.all(ours.map((n) => docker.getNetwork(n.Id).remove().catch(() => undefined)));
  return { containers: containers.length, networks: ours.length };
}

if (process.env.CI && typeof beforeAll === 'function' && fs.existsSync(SOCKET)) {
  beforeAll(async () => {
    await removeLeftoverApps().catch(() => undefined); // an engine that is down is the test bed's failure to report, not this hook's
  }, 30000);
}
