import type Docker from 'dockerode';
import { parseImageReference } from '../catalog/image-reference';
import { engineMessage, engineStatus } from '../services/installer';

/** The repository part of a reference, without tag or digest: `reg:5000/team/app:1` → `reg:5000/team/app`. */
export function repositoryOf(image: string): string {
  const parsed = parseImageReference(image);
  if (!parsed.ok) throw new Error(`not an image reference: ${parsed.message}`);
  return parsed.value.registry ? `${parsed.value.registry}/${parsed.value.repository}` : parsed.value.repository;
}

/** The reference pinned to a content digest: `reg:5000/team/app@sha256:…` (what a rollback runs). */
export function pinnedReference(image: string, digest: string): string {
  return `${repositoryOf(image)}@${digest}`;
}

/** Docker Hub's short names appear in RepoDigests without `docker.io/library/`. */
function sameRepository(a: string, b: string): boolean {
  const norm = (r: string) => r.replace(/^docker\.io\//, '').replace(/^library\//, '');
  return norm(a) === norm(b);
}

/**
 * The registry digest of the image the server has for `image` (from `RepoDigests`, recorded when
 * it was pulled), or null when the image was never pulled from a registry (built locally).
 */
export async function localDigest(docker: Docker, image: string): Promise<string | null> {
  let info: Docker.ImageInspectInfo;
  try {
    info = await docker.getImage(image).inspect();
  } catch (err) {
    if (engineStatus(err) === 404) return null;
    throw err;
  }
  const repository = repositoryOf(image);
  const entry = (info.RepoDigests ?? []).find((d) => sameRepository(d.slice(0, d.indexOf('@')), repository));
  return entry ? entry.slice(entry.indexOf('@') + 1) : null;
}

/**
 * What the registry serves for `image` now, asked through the server's engine
 * (`GET /distribution/{name}/json`: the descriptor only, nothing is pulled), so the server's own
 * registry access and credentials apply.
 */
export async function registryDigest(docker: Docker, image: string): Promise<string> {
  try {
    const info = await docker.getImage(image).distribution();
    return info.Descriptor.digest;
  } catch (err) {
    throw new Error(`the registry could not be asked about ${image}: ${engineMessage(err)}`);
  }
}
