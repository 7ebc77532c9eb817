'use strict';
// Fresh Debian 12 and 13 servers for tests: each one a system container (systemd as PID 1, sshd,
// sudo, apt against the Debian mirror, NO Docker) on the local Docker engine, reachable over
// SSH on a loopback port. Built for the "prepare a server" feature (detect the OS, install
// Docker, add the SSH user to the docker group, verify), which needs a REAL machine.
//
//   const { startFreshServer } = require('./fresh-server');
//   const server = await startFreshServer({ sudo: 'password' });             // Debian 12
//   const trixie = await startFreshServer({ sudo: 'nopasswd', debian: 13, registry: true });
//   // ... ssh to server.host:server.port as server.username / server.password ...
//   await server.remove();
//
// `registry: true` makes the test bed's image registry (scripts/testbed/registry.js) usable by
// the Docker engine that preparation will install: the registry's host name resolves to the
// host's bridge address inside the server, and /etc/docker/daemon.json lists it under
// insecure-registries (plain HTTP), written BEFORE preparation as a user would.
//
//   node scripts/testbed/fresh-server.js start --sudo password [--debian 13] [--registry]   # prints JSON, leaves it running
//   node scripts/testbed/fresh-server.js remove <id or name>
//   node scripts/testbed/fresh-server.js cleanup                 # every fresh server + volume
//
// Needs root (the Docker socket) and the image tomo-test/debian12-fresh:1 (or debian13-fresh),
// which scripts/testbed/fresh-debian-image.sh builds (startFreshServer runs it when the image is
// missing). The engine itself comes from `bash scripts/testbed.sh`.
//
// FACTS FOR THE NEXT ENGINEER (measured on the 2-core Debian 12 test machine, Docker 20.10.24,
// cgroup v1, only the Debian mirror deb.debian.org reachable):
//
// - Image build (fresh-debian-image.sh): cold ~52 s, of which debootstrap ~47 s (download and
//   dpkg, bound by the mirror); from the cached root tarball (after `docker rmi`, or --rebuild)
//   ~4 s; image already there ~0.1 s. Cache: /var/lib/tomo-testbed/debian12-rootfs-<hash>.tar
//   (269 MB); image 174 MB. The work dir is a tmpfs: unpacking the root onto this machine's
//   ext4 took 10-13 s of kernel time (the first version's "cached" build took 15 s), 0.3 s on tmpfs.
// - Start to ready (docker run ~0.3 s, systemd `running` ~1.3-1.7 s, user + sudoers, SSH
//   banner): 1.8-2.6 s per server, three in parallel ~3.1 s. systemd reaches `running`, not
//   degraded: no unit fails in this container setup, nothing had to be masked.
// - Inside a server, as root: `apt-get update` 2-3.5 s (the image has EMPTY package lists, as
//   minimal cloud images do: install before update fails). `apt-get install -y docker.io`
//   20-30 s: 62 new packages (+2 upgraded), 103 MB download, recommends included
//   (containerd, runc, tini, git, criu, ...). Afterwards `systemctl is-active docker containerd`
//   says active twice, systemd stays `running`, and `docker run --rm` works inside. There is no
//   registry: import a rootfs first, e.g. from the host's busybox-static:
//     docker cp /bin/busybox <id>:/root/busybox
//     inside: r=$(mktemp -d); mkdir $r/bin; cp /root/busybox $r/bin/; ln -s busybox $r/bin/sh
//             tar -C $r -c . | docker import -c 'CMD ["/bin/sh"]' - tiny:1
//             docker run --rm tiny:1 sh -c 'echo ok'       (-p 8080:80 works too)
//   The inner engine (20.10.24): overlay2 on the server's own volume at /var/lib/docker (overlay
//   on the container's overlay root would not work: that is what the volume is for), cgroupfs
//   driver, cgroup v1; its docker0 takes 172.18.0.0/16 since the outer bridge has 172.17.
// - `docker cp` INTO a tmpfs mount silently lands in the layer underneath, invisible inside. One
//   reason /tmp is NOT a tmpfs here (unlike the first recipe); the other: Docker's --tmpfs is
//   noexec by default, while a real Debian 12 /tmp is an ordinary exec directory on disk.
//   /run and /run/lock are tmpfs (nosuid,nodev,noexec) as on a real Debian 12.
// - `docker import` refuses STOPSIGNAL, so `docker run` passes --stop-signal SIGRTMIN+3
//   (systemd's halt). remove() kills (rm -f) anyway: faster, nothing to save.
// - The `:ro` bind of /sys/fs/cgroup only makes its top tmpfs read-only: the v1 controller
//   mounts below stay writable, which is what lets systemd and the inner dockerd create cgroups
//   (under /docker/<id>/ of the host's hierarchy).
// - It is a container, and detectable as one: `systemd-detect-virt` says docker, /.dockerenv
//   exists, the kernel is the host's (uname -r), PID 1 has container=docker. OS detection must
//   rely on /etc/os-release (ID=debian, VERSION_ID="12"), which is the real Debian file.
// - Network: the default bridge; Docker copies the host's DNS server into /etc/resolv.conf.
//   disconnectNetwork() pulls the cable including SSH: Docker's proxy for the published port
//   goes away, so OPEN SSH connections are closed at once (not left hanging as with a real
//   cable) and new ones are refused. reconnectNetwork() brings it back on the SAME port (why
//   the port is chosen by us and fixed at `docker run`); the interface is then eth1, not eth0.
//   To cut only the internet and keep SSH: exec(['ip', 'route', 'del', 'default']) (the
//   container has NET_ADMIN; SSH comes from the directly connected bridge subnet), undo with
//   `ip route add default via 172.17.0.1` (the gateway `ip route` showed before).
// - stopSsh() stops ssh.service: new logins fail (the port still accepts TCP, Docker's proxy
//   holds it, but no banner comes), open sessions survive (KillMode=process), as on a real
//   server. startSsh() waits for the banner.
// - A non-root `systemctl` reaches systemd only over D-Bus: dbus is in the image for that.
// - `sudo -S` without -p prints "[sudo] password for <user>: " to stderr; with nothing on
//   stdin it fails at once ("sudo: no password was provided"); no tty is needed either way.
//   sudo caches the credential per parent process: two commands in ONE shell share it (a
//   `sudo -n` after a `sudo -S` in the same `sh -c` succeeds), separate SSH execs do not.
// - Host keys (rsa, ecdsa, ed25519) are generated at first boot by tomo-ssh-host-keys.service
//   (`ssh-keygen -A` before ssh.service), so each server has its own; the machine id too.
// - Containers and volumes carry the label org.tomo.testbed.fresh-server: after a killed test
//   run, `node scripts/testbed/fresh-server.js cleanup` removes them all (any owner).
//
// Debian 13 (`debian: 13`, image tomo-test/debian13-fresh:1, suite trixie), measured 2026-12-06 on
// the same machine while other test runs shared its 2 cores (so slower than the figures above):
// - Image build: cold 93.6 s, of which debootstrap trixie 88.6 s (the host's bookworm debootstrap
//   and keyring handle trixie; the mirror is the host's bookworm one: one mirror serves both);
//   root cache debian13-rootfs-<hash>.tar 285 MB, image 182 MB. Debian 12 in the same run: 172.5 s
//   cold (it waited for the 13 build's lock), debootstrap 75.8 s.
// - Same recipe, nothing masked: systemd reaches `running`, no failed unit, sshd is OpenSSH 10.0
//   (banner SSH-2.0-OpenSSH_10.0p2 Debian-7+deb13u4). apt sources are deb822
//   (/etc/apt/sources.list.d/debian.sources, no sources.list), as Debian 13's installer writes.
// - Start to ready: 4.4 s alone (systemd `running` at 3.6 s), three in parallel 10.4-11.2 s;
//   Debian 12 at the same time: 5.6 s alone, three in parallel 7.3-10.3 s.
// - Inside: `apt-get update` ~3 s; candidates docker.io 26.1.5+dfsg1-9+deb13u1 and
//   docker-compose 2.26.1-4 (Compose v2; Debian 12's docker-compose is 1.29.2, v1).
// - `registry: true`: `--add-host tomo-registry.test:<docker0 address>` plus /etc/docker/daemon.json
//   {"insecure-registries": ["tomo-registry.test:5000"]} before Docker is installed; Debian's
//   docker.io ships no daemon.json, so the one written here survives the install.

const { execFile } = require('node:child_process');
const { createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

/** The image of each Debian release, and the suite fresh-debian-image.sh builds it from. */
const RELEASES = {
  12: { image: 'tomo-test/debian12-fresh:1', suite: 'bookworm' },
  13: { image: 'tomo-test/debian13-fresh:1', suite: 'trixie' },
};
const IMAGE = RELEASES[12].image;
/** Where Docker reads its daemon configuration (the package does not ship one). */
const DAEMON_JSON = '/etc/docker/daemon.json';
/** Label on every container and volume this module creates (cleanup finds them by it). */
const LABEL = 'org.tomo.testbed.fresh-server';
/** Label on the container naming its /var/lib/docker volume. */
const VOLUME_LABEL = `${LABEL}.volume`;
/** Debian's client matches the 20.10 engine; a newer one earlier in PATH may not. */
const DOCKER = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const BUILD_SCRIPT = path.join(__dirname, 'fresh-debian-image.sh');
const HOST = '127.0.0.1';
const SUDO_MODES = ['password', 'nopasswd', 'none'];
const USERNAME_RE = /^[a-z_][a-z0-9_-]{0,30}$/;

/**
 * @typedef {object} RunResult
 * @property {number} code     Exit code.
 * @property {string} stdout
 * @property {string} stderr
 */

/**
 * @typedef {object} RunOptions
 * @property {string | Buffer} [input]  Written to the child's stdin (which is then closed).
 * @property {number} [timeoutMs]       Kill the child after this long (default 60 s).
 * @property {boolean} [check]          Reject when the exit code is not 0 (default true).
 */

/**
 * Runs a program with an argv array (never through a shell).
 * @param {string} file
 * @param {string[]} args
 * @param {RunOptions} [opts]
 * @returns {Promise<RunResult>}
 */
function run(file, args, opts = {}) {
  const { input, timeoutMs = 60_000, check = true } = opts;
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const e = /** @type {(Error & {code?: number | string, killed?: boolean, signal?: string}) | null} */ (err);
        if (e && typeof e.code !== 'number') {
          const why = e.killed ? `timed out after ${timeoutMs} ms` : e.message;
          reject(new Error(`${[file, ...args].join(' ')}: ${why}${stderr ? `\n${stderr.trim()}` : ''}`));
          return;
        }
        const code = e ? /** @type {number} */ (e.code) : 0;
        if (check && code !== 0) {
          reject(new Error(`${[file, ...args].join(' ')} exited ${code}: ${(stderr || stdout).trim()}`));
          return;
        }
        resolve({ code, stdout, stderr });
      },
    );
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // the child may exit without reading
      child.stdin.end(input ?? '');
    }
  });
}

/**
 * The docker CLI.
 * @param {string[]} args
 * @param {RunOptions} [opts]
 * @returns {Promise<RunResult>}
 */
function docker(args, opts) {
  return run(DOCKER, args, opts);
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Random alphanumeric string.
 * @param {number} len
 * @returns {string}
 */
function randomAlnum(len) {
  let out = '';
  while (out.length < len) out += randomBytes(len * 2).toString('base64').replace(/[^A-Za-z0-9]/g, '');
  return out.slice(0, len);
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now (the caller retries if someone
 * takes it before Docker binds it).
 * @returns {Promise<number>}
 */
function freeLoopbackPort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Whether an SSH server greets on host:port within timeoutMs (Docker's port proxy accepts
 * TCP even while sshd is down, so only the banner counts).
 * @param {number} port
 * @param {number} [timeoutMs]
 * @returns {Promise<string | null>} the banner line, or null
 */
function sshBanner(port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: HOST, port });
    let buf = '';
    /** @param {string | null} result */
    const done = (result) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('data', (chunk) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(buf.startsWith('SSH-2.0-') ? buf.slice(0, nl).trim() : null);
    });
    sock.on('error', () => done(null));
    sock.on('close', () => done(null));
  });
}

/**
 * Polls until sshd greets on the port.
 * @param {number} port
 * @param {number} timeoutMs
 * @returns {Promise<string>} the banner
 */
async function waitForSsh(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const banner = await sshBanner(port);
    if (banner) return banner;
    if (Date.now() > deadline) throw new Error(`no SSH banner on ${HOST}:${port} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * `SHA256:...` fingerprints of the public host keys in `ssh-keygen -l` format, by key type.
 * @param {string} pubLines  Contents of /etc/ssh/ssh_host_*_key.pub.
 * @returns {Record<string, string>}
 */
function fingerprints(pubLines) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const line of pubLines.split('\n')) {
    const [type, b64] = line.trim().split(/\s+/);
    if (!type || !b64) continue;
    const digest = createHash('sha256').update(Buffer.from(b64, 'base64')).digest('base64');
    out[type] = `SHA256:${digest.replace(/=+$/, '')}`;
  }
  return out;
}

/**
 * Builds the image of a Debian release unless it exists (and is of the script's current
 * recipe): runs fresh-debian-image.sh, which takes ~0.1 s when there is nothing to do.
 * @param {12 | 13} [debian]  Default 12.
 * @returns {Promise<void>}
 */
async function ensureFreshDebianImage(debian = 12) {
  const release = RELEASES[debian];
  if (!release) throw new Error(`debian must be 12 or 13, got ${String(debian)}`);
  try {
    await run('bash', [BUILD_SCRIPT, '--suite', release.suite], { timeoutMs: 15 * 60_000 });
  } catch (err) {
    throw new Error(
      `Image ${release.image} is not available. Run \`sudo bash ${path.relative(process.cwd(), BUILD_SCRIPT)} --suite ${release.suite}\` ` +
        `(needs root, debootstrap and the Docker engine from \`sudo bash scripts/testbed.sh\`).\n${/** @type {Error} */ (err).message}`,
    );
  }
}

/**
 * Removes a container and its /var/lib/docker volume; missing ones are fine.
 * @param {string} container  Id or name.
 * @param {string} [volume]   Looked up from the container's label when not given.
 * @returns {Promise<void>}
 */
async function removeContainerAndVolume(container, volume) {
  if (!volume) {
    const r = await docker(['container', 'inspect', '--format', `{{index .Config.Labels "${VOLUME_LABEL}"}}`, container], { check: false });
    if (r.code === 0) volume = r.stdout.trim() || undefined;
  }
  const rm = await docker(['rm', '-f', '-v', container], { check: false, timeoutMs: 120_000 });
  if (rm.code !== 0 && !/No such container/i.test(rm.stderr)) throw new Error(`docker rm -f ${container}: ${rm.stderr.trim()}`);
  if (volume) {
    const vr = await docker(['volume', 'rm', '-f', volume], { check: false, timeoutMs: 120_000 });
    if (vr.code !== 0 && !/no such volume/i.test(vr.stderr)) throw new Error(`docker volume rm ${volume}: ${vr.stderr.trim()}`);
  }
}

/**
 * @typedef {object} FreshServerOptions
 * @property {'password' | 'nopasswd' | 'none'} sudo
 *   password: `ALL=(ALL:ALL) ALL`; nopasswd: `ALL=(ALL:ALL) NOPASSWD: ALL`; none: no sudo at all.
 * @property {string} [username]  Default "tomo". Lower case, [a-z_][a-z0-9_-]*.
 * @property {string} [password]  Default: 20 random alphanumerics.
 * @property {12 | 13} [debian]   Debian release: 12 (bookworm, default) or 13 (trixie).
 * @property {boolean} [registry] Make the test bed registry (testbed.json `registry`) pullable by
 *   the Docker engine preparation installs: its host name resolves to the registry's address
 *   (`--add-host`), and /etc/docker/daemon.json lists it in `insecure-registries`.
 * @property {number} [timeoutMs] For systemd and sshd to come up (default 90 s).
 */

/**
 * @typedef {object} FreshServer
 * @property {string} id          Container id.
 * @property {string} name        Container name (also its hostname), tomo-fresh-<hex>.
 * @property {12 | 13} debian     Its Debian release.
 * @property {string | null} registry  The registry (`host:port`) it can pull from, or null.
 * @property {string} volume      Docker volume mounted at /var/lib/docker.
 * @property {'127.0.0.1'} host
 * @property {number} port        Loopback port forwarded to the container's port 22.
 * @property {string} username
 * @property {string} password
 * @property {'password' | 'nopasswd' | 'none'} sudo
 * @property {Record<string, string>} hostKeyFingerprints
 *   By key type (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`): `SHA256:<base64, no padding>`,
 *   as `ssh-keygen -l` prints and as the sha256 of the blob ssh2's hostVerifier receives.
 * @property {string[]} hostKeys  The public host keys, `<type> <base64>` (known_hosts material).
 * @property {string} sshBanner   e.g. `SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u...`.
 * @property {'running' | 'degraded'} systemState  What `systemctl is-system-running` said.
 * @property {string[]} failedUnits  Failed systemd units when degraded (else empty).
 * @property {{container: number, systemd: number, ssh: number, total: number}} timingsMs
 *   From the start of the call: `docker run` returned, systemd running, SSH banner (ready).
 * @property {(argv: string[], opts?: {input?: string, timeoutMs?: number}) => Promise<RunResult>} exec
 *   `docker exec` as root (for assertions; not SSH). Resolves with the exit code, whatever it is.
 * @property {() => Promise<void>} stopSsh     Stops ssh.service (open sessions survive).
 * @property {() => Promise<void>} startSsh    Starts it and waits for the banner.
 * @property {() => Promise<void>} disconnectNetwork  Unplugs the container from its network (SSH too).
 * @property {() => Promise<void>} reconnectNetwork   Plugs it back (same port) and waits for SSH.
 * @property {() => Promise<void>} remove      Deletes the container and its volume (idempotent).
 */

/**
 * The `--add-host` value and daemon.json for a server that should reach the test bed registry.
 * @returns {{addHost: string, address: string, daemonJson: string}}
 */
function registryAccess() {
  // Lazy: the other callers of this module do not need a test bed description.
  const { loadRegistry } = require('./registry');
  const registry = loadRegistry();
  const hostName = registry.address.replace(/:\d+$/, '');
  return {
    addHost: `${hostName}:${registry.ip}`,
    address: registry.address,
    daemonJson: `${JSON.stringify({ 'insecure-registries': [registry.address] }, null, 2)}\n`,
  };
}

/**
 * Starts a fresh Debian 12 or 13 server and waits until it takes SSH logins.
 * @param {FreshServerOptions} options
 * @returns {Promise<FreshServer>}
 */
async function startFreshServer(options) {
  const sudo = options?.sudo;
  if (!SUDO_MODES.includes(sudo)) throw new Error(`sudo must be one of ${SUDO_MODES.join(', ')}, got ${String(sudo)}`);
  const username = options.username ?? 'tomo';
  if (!USERNAME_RE.test(username) || username === 'root') throw new Error(`invalid username '${username}'`);
  const password = options.password ?? randomAlnum(20);
  if (!password || /[\r\n\0]/.test(password)) throw new Error('the password must be non-empty, without line breaks or NUL');
  const timeoutMs = options.timeoutMs ?? 90_000;
  const debian = options.debian ?? 12;
  const release = RELEASES[debian];
  if (!release) throw new Error(`debian must be 12 or 13, got ${String(options.debian)}`);
  const registry = options.registry ? registryAccess() : null;

  const t0 = Date.now();
  await ensureFreshDebianImage(debian);

  const name = `tomo-fresh-${randomBytes(5).toString('hex')}`;
  const volume = `${name}-docker`;
  await docker(['volume', 'create', '--label', `${LABEL}=1`, volume]);

  let id = '';
  try {
    let port = 0;
    for (let attempt = 1; !id; attempt++) {
      port = await freeLoopbackPort();
      const r = await docker(
        [
          'run', '-d',
          '--name', name,
          '--hostname', name,
          '--label', `${LABEL}=1`,
          '--label', `${VOLUME_LABEL}=${volume}`,
          '--stop-signal', 'SIGRTMIN+3',
          // What systemd and an inner dockerd need; --privileged is refused on this engine.
          '--cap-add', 'SYS_ADMIN',
          '--cap-add', 'NET_ADMIN',
          '--security-opt', 'seccomp=unconfined',
          '--security-opt', 'apparmor=unconfined',
          '-v', '/sys/fs/cgroup:/sys/fs/cgroup:ro',
          '-v', `${volume}:/var/lib/docker`,
          // As on Debian 12: /run and /run/lock are tmpfs, /tmp is not.
          '--tmpfs', '/run:rw,nosuid,nodev,noexec,mode=755',
          '--tmpfs', '/run/lock:rw,nosuid,nodev,noexec,mode=1777',
          '-p', `${HOST}:${port}:22`,
          ...(registry ? ['--add-host', registry.addHost] : []),
          release.image,
          '/sbin/init',
        ],
        { check: false, timeoutMs: 120_000 },
      );
      if (r.code === 0) {
        id = r.stdout.trim();
        break;
      }
      // Someone took the port between our probe and Docker's bind: the container exists
      // (created, not started), so remove it and try another port.
      await docker(['rm', '-f', name], { check: false });
      if (attempt >= 5 || !/already allocated|address already in use/i.test(r.stderr)) {
        throw new Error(`docker run ${release.image} failed: ${r.stderr.trim()}`);
      }
    }
    const tContainer = Date.now() - t0;

    /** @type {FreshServer['exec']} */
    const exec = (argv, opts = {}) =>
      docker(['exec', ...(opts.input !== undefined ? ['-i'] : []), id, ...argv], {
        input: opts.input,
        timeoutMs: opts.timeoutMs ?? 300_000,
        check: false,
      });
    /**
     * exec that must succeed.
     * @param {string[]} argv
     * @param {string} [input]
     */
    const must = async (argv, input) => {
      const r = await exec(argv, { input });
      if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code} in ${name}: ${(r.stderr || r.stdout).trim()}`);
      return r;
    };

    // systemd: `running`, or `degraded` (reported). Before it is up, systemctl cannot reach it.
    const deadline = Date.now() + timeoutMs;
    let state = '';
    for (;;) {
      const r = await exec(['systemctl', 'is-system-running'], { timeoutMs: 10_000 });
      state = r.stdout.trim();
      if (state === 'running' || state === 'degraded') break;
      if (Date.now() > deadline || /is not running/.test(r.stderr)) {
        const logs = await docker(['logs', '--tail', '30', id], { check: false });
        const why = /is not running/.test(r.stderr) ? 'the container exited' : `systemd is '${state}' after ${timeoutMs} ms`;
        throw new Error(`${name}: ${why}\n${logs.stdout}${logs.stderr}`);
      }
      await sleep(150);
    }
    /** @type {string[]} */
    let failedUnits = [];
    if (state === 'degraded') {
      const f = await exec(['systemctl', 'list-units', '--failed', '--no-legend', '--plain']);
      failedUnits = f.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
    }
    const tSystemd = Date.now() - t0;

    // The user, as an installer would create it: home, bash, own group, a password.
    await must(['useradd', '--create-home', '--shell', '/bin/bash', '--user-group', '--', username]);
    await must(['chpasswd'], `${username}:${password}\n`);
    if (sudo !== 'none') {
      const rule = sudo === 'nopasswd' ? 'ALL=(ALL:ALL) NOPASSWD: ALL' : 'ALL=(ALL:ALL) ALL';
      // sudo skips files in sudoers.d whose name contains a dot: the temp file is inert.
      const final = `/etc/sudoers.d/90-tomo-${username}`;
      const tmp = `/etc/sudoers.d/.90-tomo-${username}.tmp`;
      await must(['tee', tmp], `# Written by tomo scripts/testbed/fresh-server.js\n${username} ${rule}\n`);
      await must(['chmod', '0440', tmp]);
      await must(['visudo', '-cf', tmp]);
      await must(['mv', '-f', tmp, final]);
    }

    if (registry) {
      // Before preparation, as an admin would: Docker starts with it, nothing to restart.
      await must(['install', '-d', '-m', '0755', '/etc/docker']);
      await must(['tee', DAEMON_JSON], registry.daemonJson);
    }

    const sshBannerLine = await waitForSsh(port, Math.max(1000, deadline - Date.now()));
    const tSsh = Date.now() - t0;
    const pubs = (await must(['sh', '-c', 'cat /etc/ssh/ssh_host_*_key.pub'])).stdout;

    const waitSshStopped = async () => {
      for (let i = 0; i < 100; i++) {
        if ((await exec(['systemctl', 'is-active', 'ssh.service'])).stdout.trim() !== 'active' && !(await sshBanner(port, 500))) return;
        await sleep(100);
      }
      throw new Error(`sshd in ${name} still answers`);
    };

    /** @type {FreshServer} */
    const server = {
      id,
      name,
      debian,
      registry: registry ? registry.address : null,
      volume,
      host: HOST,
      port,
      username,
      password,
      sudo,
      hostKeyFingerprints: fingerprints(pubs),
      hostKeys: pubs.split('\n').map((l) => l.trim().split(/\s+/).slice(0, 2).join(' ')).filter((l) => l.includes(' ')),
      sshBanner: sshBannerLine,
      systemState: /** @type {'running' | 'degraded'} */ (state),
      failedUnits,
      timingsMs: { container: tContainer, systemd: tSystemd, ssh: tSsh, total: Date.now() - t0 },
      exec,
      stopSsh: async () => {
        await must(['systemctl', 'stop', 'ssh.service']);
        await waitSshStopped();
      },
      startSsh: async () => {
        await must(['systemctl', 'start', 'ssh.service']);
        await waitForSsh(port, 30_000);
      },
      disconnectNetwork: async () => {
        await docker(['network', 'disconnect', 'bridge', id]);
      },
      reconnectNetwork: async () => {
        await docker(['network', 'connect', 'bridge', id]);
        await waitForSsh(port, 30_000);
      },
      remove: () => removeContainerAndVolume(id, volume),
    };
    return server;
  } catch (err) {
    await removeContainerAndVolume(id || name, volume).catch(() => undefined);
    throw err;
  }
}

/**
 * Removes every fresh server (container) and volume this module ever created, found by label,
 * running or not, from any process.
 * @returns {Promise<{containers: number, volumes: number}>}
 */
async function removeAllFreshServers() {
  const list = await docker(['ps', '-aq', '--filter', `label=${LABEL}`]);
  const ids = list.stdout.split('\n').filter(Boolean);
  if (ids.length) await docker(['rm', '-f', '-v', ...ids], { timeoutMs: 120_000 });
  const vols = await docker(['volume', 'ls', '-q', '--filter', `label=${LABEL}`]);
  const names = vols.stdout.split('\n').filter(Boolean);
  if (names.length) await docker(['volume', 'rm', '-f', ...names], { timeoutMs: 120_000 });
  return { containers: ids.length, volumes: names.length };
}

/**
 * The CLI: start | remove <id> | cleanup.
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
async function main(argv) {
  const [cmd, ...rest] = argv;
  const usage =
    'usage: node scripts/testbed/fresh-server.js start [--sudo password|nopasswd|none] [--username NAME] [--password PW] [--debian 12|13] [--registry]\n' +
    '       node scripts/testbed/fresh-server.js remove <id or name>\n' +
    '       node scripts/testbed/fresh-server.js cleanup';
  if (cmd === 'start') {
    /** @type {Record<string, string>} */
    const flags = { sudo: 'password', debian: '12' };
    let registry = false;
    for (let i = 0; i < rest.length; i += 2) {
      if (rest[i] === '--registry') {
        registry = true;
        i -= 1;
        continue;
      }
      const m = /^--(sudo|username|password|debian)$/.exec(rest[i]);
      if (!m || rest[i + 1] === undefined) {
        process.stderr.write(`${usage}\n`);
        return 2;
      }
      flags[m[1]] = rest[i + 1];
    }
    const s = await startFreshServer({
      sudo: /** @type {FreshServerOptions['sudo']} */ (flags.sudo),
      username: flags.username,
      password: flags.password,
      debian: /** @type {12 | 13} */ (Number(flags.debian)),
      registry,
    });
    const { exec: _e, stopSsh: _s1, startSsh: _s2, disconnectNetwork: _d, reconnectNetwork: _r, remove: _rm, ...data } = s;
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return 0;
  }
  if (cmd === 'remove' && rest.length === 1) {
    await removeContainerAndVolume(rest[0]);
    return 0;
  }
  if (cmd === 'cleanup' && rest.length === 0) {
    const n = await removeAllFreshServers();
    process.stdout.write(`removed ${n.containers} fresh server(s) and ${n.volumes} volume(s)\n`);
    return 0;
  }
  process.stderr.write(`${usage}\n`);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`fresh-server: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

module.exports = {
  startFreshServer,
  removeAllFreshServers,
  ensureFreshDebianImage,
  FRESH_IMAGE: IMAGE,
  FRESH_IMAGES: { 12: RELEASES[12].image, 13: RELEASES[13].image },
  FRESH_LABEL: LABEL,
};
