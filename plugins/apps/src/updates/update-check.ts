import type Docker from 'dockerode';
import type { AppDefinition } from '../catalog/definition-schema';
import type { ServiceImageView, UpdateCheckView } from '../views';
import { registryDigest } from './image-digests';

const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);

/**
 * Is there an update for an installation? Yes when the catalog's definition of the app changed
 * its version or image, or when the registry now serves another digest under an installed tag
 * (asked through the server's engine, nothing pulled). A registry that cannot be asked is
 * reported in `error`; the catalog's answer still counts.
 */
export async function checkForUpdate(
  installed: { app: AppDefinition; images: readonly ServiceImageView[] },
  catalogApp: AppDefinition | undefined,
  docker: Docker,
  now = new Date(),
): Promise<UpdateCheckView> {
  const reasons: string[] = [];
  const errors: string[] = [];
  const was = installed.app;
  if (catalogApp && (catalogApp.version ?? null) !== (was.version ?? null)) {
    reasons.push(`the catalog has version ${catalogApp.version ?? '(none)'} (installed: ${was.version ?? '(none)'})`);
  } else if (catalogApp && catalogApp.image !== was.image) {
    reasons.push(`the catalog now runs ${catalogApp.image} (installed: ${was.image})`);
  }
  for (const image of installed.images) {
    if (!image.digest) continue; // never pulled from a registry (built on the server): nothing to compare with
    try {
      const latest = await registryDigest(docker, image.image);
      if (latest !== image.digest) reasons.push(`the registry has a new image for ${image.image} (${short(latest)}, installed: ${short(image.digest)})`);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  return {
    checkedAt: now.toISOString(),
    available: reasons.length > 0,
    reasons,
    catalogVersion: catalogApp?.version ?? null,
    error: errors.length > 0 ? errors.join('; ') : null,
  };
}
