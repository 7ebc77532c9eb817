import path from 'node:path';
import { localDocker, testbed } from './apps-kernel';

/** The image of the test catalog's `log-echo` app. */
export const LOGS_IMAGE = { repo: 'tomo-test/httpd-logs', tag: '1' };
/** The folder of the `log-echo` definition (add it to the catalog dirs next to the test catalog). */
export const LOGS_CATALOG = path.join(__dirname, '..', 'fixtures', 'logs-catalog');

/**
 * The test bed's httpd image with a command that prints the generated password and the greeting
 * at start and a line per request (busybox httpd -vv): made once on the test bed's engine by
 * committing a container of tomo-test/httpd:1 with that command (no registry, no Dockerfile).
 */
export async function ensureLogsImage(): Promise<void> {
  const docker = localDocker();
  const name = `${LOGS_IMAGE.repo}:${LOGS_IMAGE.tag}`;
  if (await docker.getImage(name).inspect().then(() => true, () => false)) return;
  const base = await docker.createContainer({ Image: testbed().docker.images.httpd });
  try {
    const cmd = ['sh', '-c', 'echo "generated password: $APP_PASSWORD"; echo "greeting: $GREETING" >&2; exec httpd -f -vv -p 80 -h /www'];
    await base.commit({ repo: LOGS_IMAGE.repo, tag: LOGS_IMAGE.tag, changes: `CMD ${JSON.stringify(cmd)}` });
  } finally {
    await base.remove({ force: true });
  }
}
