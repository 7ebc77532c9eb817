/**
 * Docker image references, checked against the grammar of distribution/reference (what `docker pull`
 * accepts): `[registry[:port]/]path[:tag][@digest]`. The installer passes the reference to Docker
 * as one argument, but a reference is also shown in the console, written to logs and may end up
 * near a shell, so anything outside the grammar (whitespace, `;`, a leading `-`, ...) is refused
 * here, with a message saying why.
 */

/** The parts of a valid image reference. */
export interface ImageReference {
  /** Registry host (and port), when the reference names one: `ghcr.io`, `localhost:5000`. */
  registry?: string;
  /** Repository path: `nextcloud`, `jellyfin/jellyfin`, `home-assistant/home-assistant`. */
  repository: string;
  /** Tag, when given: `latest`, `2`, `10.11.11`, `stable-apache`. */
  tag?: string;
  /** Content digest, when given: `sha256:<64 hex>`. */
  digest?: string;
}

export type ImageReferenceResult = { ok: true; value: ImageReference } | { ok: false; message: string };

const MAX_LENGTH = 512;
const MAX_NAME_LENGTH = 255;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]{1,5})?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

const fail = (message: string): ImageReferenceResult => ({ ok: false, message });

/** Parses and validates an image reference; the message of a failure says what is wrong. */
export function parseImageReference(input: unknown): ImageReferenceResult {
  if (typeof input !== 'string') return fail('must be a text like "nginx:1.27" or "ghcr.io/owner/app:1.0"');
  if (input.length === 0) return fail('must not be empty');
  if (input.length > MAX_LENGTH) return fail(`must be at most ${MAX_LENGTH} characters`);
  if (/\s/.test(input)) return fail('must not contain whitespace');
  if (input.startsWith('-')) return fail('must not start with "-" (it would read as a command-line option)');
  if (/[\p{Cc}\p{Cf}]/u.test(input)) return fail('must not contain control or invisible characters');
  const bad = input.match(/[^A-Za-z0-9._\-/:@[\]]/);
  if (bad) return fail(`must not contain "${bad[0]}": an image reference is [registry/]name[:tag][@digest]`);

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return fail(`digest "${digest}" must look like sha256:<64 hex digits>`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return fail(`tag "${tag}" must be 1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-"`);
  }
  if (rest.length === 0) return fail('must name an image before the tag or digest');
  if (rest.length > MAX_NAME_LENGTH) return fail(`image name must be at most ${MAX_NAME_LENGTH} characters`);

  let registry: string | undefined;
  let repository = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    // Docker's rule: the first component is a registry when it has a "." or ":", is "localhost" or has capitals.
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first;
      repository = rest.slice(slash + 1);
      if (!DOMAIN.test(registry)) return fail(`registry "${registry}" is not a valid host name[:port]`);
    }
  }
  if (repository.length === 0) return fail('must name a repository after the registry');
  for (const component of repository.split('/')) {
    if (component !== component.toLowerCase()) return fail(`repository "${repository}" must be lowercase`);
    if (!PATH_COMPONENT.test(component)) {
      return fail(`"${component}" in "${repository}" must be lowercase letters and digits, separated by ".", "_", "__" or "-"`);
    }
  }
  return { ok: true, value: { ...(registry ? { registry } : {}), repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) } };
}
