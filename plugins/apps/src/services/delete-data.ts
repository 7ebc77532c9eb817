import path from 'node:path';
import { AppError } from '@tomo/kernel';
import type { ServerEngine } from './engine-access';
import { engineMessage } from './installer';

const MOUNT = '/tomo-apps';

/**
 * Deletes an installation's data folder on the server. The files were written by the container,
 * often as root, so the SSH user cannot always remove them: a short-lived helper container of the
 * app's own image (already on the server, nothing to pull) runs `rm -rf` on it as root, through
 * the engine. Images without `rm` fall back to `rm -rf` over SSH as the login user. The folder
 * name is Tomo's own (`tomo-<app>-<id>`), never user input, and is checked to sit directly
 * under the data root.
 */
export async function deleteDataDir(engine: ServerEngine, target: { dataDir: string; dataRoot: string; image: string }): Promise<void> {
  const name = path.posix.basename(target.dataDir);
  if (path.posix.dirname(target.dataDir) !== target.dataRoot || !/^tomo-[a-z0-9-]+$/.test(name)) {
    throw new AppError(500, 'internal', `Refusing to delete ${target.dataDir}: not an installation folder under ${target.dataRoot}`);
  }
  const docker = engine.docker;
  // `rm -rf` exits 0 only when the path is gone (or never was): that exit code is the proof.
  try {
    const helper = await docker.createContainer({
      Image: target.image,
      Entrypoint: ['rm'],
      Cmd: ['-rf', '--', `${MOUNT}/${name}`],
      User: '0:0',
      Labels: { 'io.tomo.helper': 'delete-data' },
      HostConfig: { Binds: [`${target.dataRoot}:${MOUNT}`], NetworkMode: 'none' },
    });
    try {
      await helper.start();
      const { StatusCode } = (await helper.wait()) as { StatusCode: number };
      if (StatusCode === 0) return;
    } finally {
      await helper.remove({ force: true }).catch(() => undefined);
    }
  } catch {
    // No `rm` in the image (distroless), or the engine refused: try as the login user.
  }
  const result = await engine.exec(['rm', '-rf', '--', target.dataDir]).catch((err: Error) => ({ exitCode: null, stderr: engineMessage(err) }));
  if (result.exitCode !== 0) {
    throw new AppError(502, 'data_not_deleted', `The app's data folder ${target.dataDir} could not be deleted completely (${String(result.stderr).trim().slice(0, 200) || 'permission denied'}); the app itself was removed`);
  }
}
