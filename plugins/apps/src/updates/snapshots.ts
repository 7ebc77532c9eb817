import path from 'node:path';
import type Docker from 'dockerode';
import type { ServerEngine } from '../services/engine-access';
import { engineMessage, InstallFailure } from '../services/installer';

/** Snapshots live next to the data folders, never inside one: `<dataRoot>/.tomo-snapshots/<folder>/<stamp>.tar.gz`. */
const SNAPSHOTS_FOLDER = '.tomo-snapshots';
const APPS = '/tomo-apps';
const SNAPSHOTS = '/tomo-snapshots';

/** Where an installation's snapshots are kept on the server. */
export function snapshotFolderOf(dataDir: string): string {
  return path.posix.join(path.posix.dirname(dataDir), SNAPSHOTS_FOLDER, path.posix.basename(dataDir));
}

/** The data folder's name, checked to be Tomo's own (`tomo-<app>-<id>`): it goes into helper argv and binds. */
function folderName(dataDir: string): string {
  const name = path.posix.basename(dataDir);
  if (!path.posix.isAbsolute(dataDir) || !/^tomo-[a-z0-9-]+$/.test(name)) throw new InstallFailure(`Refusing to snapshot ${dataDir}: not an installation folder`);
  return name;
}

/**
 * Runs one short-lived helper container of `image` (already on the server: the app's own, so
 * nothing is pulled) as root with no network: `argv` is its entrypoint and arguments, never a
 * shell line. The data was written by the app's container, often as root, which the SSH login
 * user may not read. Returns what it printed (TTY, so the log is plain text) when it exits 0.
 */
async function runHelper(docker: Docker, image: string, argv: string[], binds: string[], what: string, sizeOf?: string): Promise<{ output: string; size: number | null }> {
  let helper: Docker.Container;
  try {
    helper = await docker.createContainer({
      Image: image,
      Entrypoint: [argv[0]],
      Cmd: argv.slice(1),
      User: '0:0',
      Tty: true,
      Labels: { 'io.tomo.helper': 'snapshot' },
      HostConfig: { Binds: binds, NetworkMode: 'none' },
    });
  } catch (err) {
    throw new InstallFailure(`Could not ${what}: Docker refused the helper container (${engineMessage(err)})`);
  }
  try {
    await helper.start();
    const { StatusCode } = (await helper.wait()) as { StatusCode: number };
    const output = String(await helper.logs({ stdout: true, stderr: true })).trim();
    if (StatusCode !== 0) throw new InstallFailure(`Could not ${what}: ${output.slice(-300) || `exit code ${StatusCode}`}`);
    return { output, size: sizeOf ? await fileSize(helper, sizeOf) : null };
  } catch (err) {
    if (err instanceof InstallFailure) throw err;
    throw new InstallFailure(`Could not ${what}: ${engineMessage(err)}`);
  } finally {
    await helper.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * The size of a file in a (stopped) container, from the engine's archive stat
 * (`HEAD /containers/{id}/archive`, header X-Docker-Container-Path-Stat): no second helper to run.
 */
async function fileSize(container: Docker.Container, file: string): Promise<number | null> {
  try {
    const res = (await container.infoArchive({ path: file })) as { headers: Record<string, string | undefined>; resume?: () => void };
    res.resume?.();
    const stat = res.headers['x-docker-container-path-stat'];
    const size = stat ? (JSON.parse(Buffer.from(stat, 'base64').toString('utf8')) as { size?: unknown }).size : undefined;
    return typeof size === 'number' ? size : null;
  } catch {
    return null;
  }
}

/**
 * Archives the installation's data folder on the server (`tar -czf`, run by a helper container of
 * `image`) and returns the archive and its size. The app should be stopped first, so that no file
 * changes while it is read.
 */
export async function takeSnapshot(engine: ServerEngine, dataDir: string, image: string, stamp: string): Promise<{ file: string; sizeBytes: number | null }> {
  const name = folderName(dataDir);
  const folder = snapshotFolderOf(dataDir);
  const archive = `${stamp}.tar.gz`;
  const binds = [`${path.posix.dirname(dataDir)}:${APPS}:ro`, `${folder}:${SNAPSHOTS}`];
  const { size } = await runHelper(engine.docker, image, ['tar', '-czf', `${SNAPSHOTS}/${archive}`, '-C', APPS, name], binds, 'archive the data folder', `${SNAPSHOTS}/${archive}`);
  return { file: path.posix.join(folder, archive), sizeBytes: size };
}

/** Replaces the data folder with the snapshot's content (the folder is emptied first, so files added since go). */
export async function restoreSnapshot(engine: ServerEngine, dataDir: string, file: string, image: string): Promise<void> {
  const name = folderName(dataDir);
  const folder = snapshotFolderOf(dataDir);
  if (path.posix.dirname(file) !== folder) throw new InstallFailure(`Refusing to restore ${file}: not one of this installation's snapshots`);
  const binds = [`${path.posix.dirname(dataDir)}:${APPS}`, `${folder}:${SNAPSHOTS}:ro`];
  await runHelper(engine.docker, image, ['rm', '-rf', '--', `${APPS}/${name}`], binds, 'empty the data folder');
  await runHelper(engine.docker, image, ['tar', '-xzf', `${SNAPSHOTS}/${path.posix.basename(file)}`, '-C', APPS], binds, 'restore the data folder');
}

/** Deletes snapshot archives (the oldest beyond the ones kept); a failure is left for the next time. */
export async function deleteSnapshots(engine: ServerEngine, dataDir: string, files: string[], image: string): Promise<void> {
  if (files.length === 0) return;
  const folder = snapshotFolderOf(dataDir);
  const names = files.filter((f) => path.posix.dirname(f) === folder).map((f) => `${SNAPSHOTS}/${path.posix.basename(f)}`);
  if (names.length === 0) return;
  await runHelper(engine.docker, image, ['rm', '-f', '--', ...names], [`${folder}:${SNAPSHOTS}`], 'delete old snapshots');
}

/** Deletes every snapshot of an installation (its uninstall with data). */
export async function deleteSnapshotFolder(engine: ServerEngine, dataDir: string, image: string): Promise<void> {
  const name = folderName(dataDir);
  const parent = path.posix.dirname(snapshotFolderOf(dataDir));
  await runHelper(engine.docker, image, ['rm', '-rf', '--', `${SNAPSHOTS}/${name}`], [`${parent}:${SNAPSHOTS}`], 'delete the snapshots');
}
