'use strict';
// The test bed's image registry (started by `bash scripts/testbed.sh`): Debian's docker-registry,
// the reference "distribution" registry, serving the test images over plain HTTP at
// tomo-registry.test:5000. The same reference pulls on the main test bed server (this host's
// engine) and inside fresh servers started with `startFreshServer({ registry: true })`; see the
// "registry" step of scripts/testbed.sh for why it is built that way.
//
//   const { imageRef, registryDigest, pushImage } = require('./registry');
//   imageRef('webapp', '1')                     // 'tomo-registry.test:5000/tomo-test/webapp:1'
//   await registryDigest('webapp', '1')         // 'sha256:…' (HEAD …/manifests/1, Docker-Content-Digest)
//   await pushImage('webapp', 'upd-1a2b', 'a', { from: '2' })  // a new digest under a test's own tag
//
// Standard tags (scripts/testbed/images/README.md): webapp 1, 2, 3-unhealthy; db 1; cache 1.
// pushImage builds FROM the local build of a standard tag plus one label, so the variant
// behaves exactly like it but has its own digest ("the registry's digest changed" for update
// detection). Prefer a tag of your own: testbed.sh puts the standard tags back when it finds
// them changed, and other tests read them in the meantime.

const { execFile } = require('node:child_process');
const fs = require('node:fs');
const { loadTestbed } = require('./testbed');

/** The test images: name (under tomo-test/) and their standard tags. */
const IMAGES = { webapp: ['1', '2', '3-unhealthy'], db: ['1'], cache: ['1'] };
/** Docker's rule for a tag. */
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** A variant goes into a label value (and a Dockerfile line): plain words only. */
const VARIANT_RE = /^[A-Za-z0-9_.-]{1,64}$/;
/** What a Docker engine asks for: the digest is of the manifest in this format. */
const MANIFEST_ACCEPT = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';
/** Debian's client matches the 20.10 engine; a newer one earlier in PATH may not. */
const DOCKER = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

/**
 * @typedef {object} TestbedRegistry
 * @property {string} address  `tomo-registry.test:5000`: the registry part of every image reference.
 * @property {string} ip       The host's Docker bridge address the name resolves to (172.17.0.1).
 * @property {number} port     5000.
 * @property {string} url      `http://tomo-registry.test:5000` (the Registry HTTP API v2 is under /v2/).
 * @property {{webapp1: string, webapp2: string, webappUnhealthy: string, db: string, cache: string}} images
 *   Full references of the standard test images.
 */

/**
 * The registry from testbed.json.
 * @returns {TestbedRegistry}
 * @throws {Error} when the test bed has no registry (set up before it existed).
 */
function loadRegistry() {
  const { registry } = /** @type {{registry?: TestbedRegistry}} */ (loadTestbed());
  if (!registry?.address) throw new Error('testbed.json has no registry: run `sudo bash scripts/testbed.sh` again (it starts the test image registry)');
  return registry;
}

/**
 * @param {string} name
 * @param {string} tag
 */
function checkNameAndTag(name, tag) {
  if (!Object.hasOwn(IMAGES, name)) throw new Error(`unknown test image "${name}": one of ${Object.keys(IMAGES).join(', ')}`);
  if (typeof tag !== 'string' || !TAG_RE.test(tag)) throw new Error(`invalid tag ${JSON.stringify(tag)}: letters, digits, _ . - (not first), at most 128`);
}

/**
 * The full reference of a test image in the registry.
 * @param {string} name  `webapp`, `db` or `cache`.
 * @param {string} tag
 * @returns {string}     e.g. `tomo-registry.test:5000/tomo-test/webapp:1`
 */
function imageRef(name, tag) {
  checkNameAndTag(name, tag);
  return `${loadRegistry().address}/tomo-test/${name}:${tag}`;
}

/**
 * The digest the registry serves for a tag: `HEAD /v2/tomo-test/<name>/manifests/<tag>`'s
 * Docker-Content-Digest, what an engine records in RepoDigests when it pulls the tag.
 * @param {string} name
 * @param {string} tag
 * @returns {Promise<string | null>}  `sha256:…`, or null when the registry has no such tag.
 */
async function registryDigest(name, tag) {
  checkNameAndTag(name, tag);
  const res = await fetch(`${loadRegistry().url}/v2/tomo-test/${name}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { Accept: MANIFEST_ACCEPT },
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`registry answered ${res.status} to HEAD ${name}:${tag}`);
  return res.headers.get('docker-content-digest');
}

/**
 * Runs the docker CLI (argv, never a shell) as this process's user (root in the test bed).
 * @param {string[]} args
 * @param {{input?: string, env?: NodeJS.ProcessEnv}} [opts]
 * @returns {Promise<string>} stdout
 */
function docker(args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(DOCKER, args, { encoding: 'utf8', timeout: 300_000, env: opts.env ?? process.env }, (err, stdout, stderr) => {
      if (err) reject(new Error(`docker ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input ?? '');
  });
}

/**
 * Pushes a variant of a standard test image under `tag`: the local build of `name:from` (kept
 * by testbed.sh) plus the label `org.tomo.testbed.variant=<variant>`. Same behaviour, a new
 * digest; the same variant of the same base pushed again gives the same digest.
 * @param {string} name     `webapp`, `db` or `cache`.
 * @param {string} tag      The tag to push to (new or existing).
 * @param {string} variant  Anything that makes it different: letters, digits, _ . -
 * @param {{from?: string}} [opts]  The standard tag to start from (default: `tag`, which must then be standard).
 * @returns {Promise<{ref: string, digest: string}>}  The reference and the digest the registry now serves for it.
 */
async function pushImage(name, tag, variant, opts = {}) {
  checkNameAndTag(name, tag);
  if (typeof variant !== 'string' || !VARIANT_RE.test(variant)) throw new Error(`invalid variant ${JSON.stringify(variant)}: 1-64 letters, digits, _ . -`);
  const from = opts.from ?? tag;
  if (!IMAGES[/** @type {keyof IMAGES} */ (name)].includes(from)) {
    throw new Error(`no standard tag "${from}" of ${name} to start from (${IMAGES[/** @type {keyof IMAGES} */ (name)].join(', ')}): pass { from }`);
  }
  const base = `tomo-test/${name}:${from}`;
  await docker(['image', 'inspect', base]).catch(() => {
    throw new Error(`the local build ${base} is missing: run \`sudo bash scripts/testbed.sh\``);
  });
  const ref = imageRef(name, tag);
  // The classic builder with the Dockerfile on stdin and no context: FROM the local image, no pull.
  await docker(['build', '-q', '-t', ref, '-'], {
    input: `FROM ${base}\nLABEL org.tomo.testbed.variant=${variant}\n`,
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
  });
  try {
    await docker(['push', '-q', ref]);
  } finally {
    // Untagged again: an engine that wants it pulls it.
    await docker(['rmi', ref]).catch(() => undefined);
  }
  const digest = await registryDigest(name, tag);
  if (!digest) throw new Error(`the registry serves no digest for ${ref} after the push`);
  return { ref, digest };
}

module.exports = { loadRegistry, imageRef, registryDigest, pushImage, TEST_IMAGES: IMAGES, MANIFEST_ACCEPT };
