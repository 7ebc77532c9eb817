'use strict';
// Access to the test bed that `bash scripts/testbed.sh` (run as root) sets up:
// an OpenSSH server with the user `tomotest`, a Docker engine with local test
// images and Docker Compose v2, an image registry with test images, and
// Chromium. Tests that need it call loadTestbed(), which throws when the bed is
// missing: such tests must FAIL, never skip silently.

const fs = require('node:fs');
const path = require('node:path');

/**
 * @typedef {object} TestbedSsh
 * @property {string} host      Always 127.0.0.1.
 * @property {number} port      2222 unless TOMO_TESTBED_SSH_PORT was set.
 * @property {string} username  "tomotest" (in group docker, no sudo).
 * @property {string} password  Its password (password and PAM logins work).
 * @property {{ed25519: string, rsa: string, ed25519Encrypted: string, ed25519EncryptedPassphrase: string}} keys
 *   Absolute paths of OpenSSH-format private keys (public key at `<path>.pub`),
 *   all authorized for the user, plus the passphrase of the encrypted one.
 * @property {{ed25519: string, rsa: string}} hostKeys
 *   Absolute paths of the sshd's private host keys (public key at `<path>.pub`).
 * @property {string} knownHosts  known_hosts file that pins those host keys.
 * @property {string} configPath  The sshd_config of the test sshd.
 * @property {string} pidFile     Pid file of the test sshd.
 */

/**
 * @typedef {object} TestbedDocker
 * @property {string} socket  Docker engine socket, /var/run/docker.sock.
 * @property {{busybox: string, httpd: string}} images
 *   Local images (never pulled): busybox with CMD /bin/sh, and a busybox httpd
 *   serving "tomo-test-httpd ok" at /index.html on port 80.
 * @property {string} composeVersion  Docker Compose v2 on this engine (`docker compose`,
 *   e.g. "2.26.1"), also for the SSH test user: the host has Debian 13's docker-compose.
 */

/**
 * @typedef {object} Testbed
 * @property {TestbedSsh} ssh
 * @property {TestbedDocker} docker
 * @property {import('./registry').TestbedRegistry} registry
 *   The test image registry (tomo-registry.test:5000); helpers in scripts/testbed/registry.js.
 * @property {{url: string, version: string}} postgres
 *   The test PostgreSQL (Debian's, a cluster of the bed's own on 127.0.0.1:5433): `url` logs in as
 *   a role that may create databases, on the `postgres` database (holds its password).
 * @property {string} chromium  Path of the Chromium binary.
 */

const DEFAULT_DIR = '/var/lib/tomo-testbed';

/**
 * Path of testbed.json: $TOMO_TESTBED_DIR/testbed.json.
 * @returns {string}
 */
function testbedFile() {
  return path.join(process.env.TOMO_TESTBED_DIR || DEFAULT_DIR, 'testbed.json');
}

/**
 * Reads the test bed description.
 * @returns {Testbed}
 * @throws {Error} when the test bed was not set up (or is unreadable).
 */
function loadTestbed() {
  const file = testbedFile();
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = /** @type {NodeJS.ErrnoException} */ (err).code;
    const why =
      code === 'ENOENT'
        ? `${file} does not exist`
        : `cannot read ${file} (${code || String(err)})`;
    throw new Error(
      `Tomo test bed not available: ${why}. Set it up with \`sudo bash scripts/testbed.sh\` ` +
        '(as root; installs and starts the test sshd, Docker and Chromium). ' +
        'Tests that need it fail instead of being skipped.',
    );
  }
  try {
    return /** @type {Testbed} */ (JSON.parse(text));
  } catch (err) {
    throw new Error(
      `Tomo test bed description ${file} is not valid JSON (${/** @type {Error} */ (err).message}); ` +
        'run `sudo bash scripts/testbed.sh` again.',
    );
  }
}

/**
 * Whether testbed.json exists and can be read.
 * @returns {boolean}
 */
function testbedAvailable() {
  try {
    loadTestbed();
    return true;
  } catch {
    return false;
  }
}

module.exports = { loadTestbed, testbedAvailable, testbedFile };
