import { StepFailure } from '../step-failure';
import type { DetectedOs, OsPreparer, PreparationStep, StepContext } from '../preparer-types';
import {
  COMMAND_V_DOCKER_SCRIPT,
  CURL_CONNECT_TIMEOUT_S,
  DOCKER_CE_PACKAGES,
  DOWNLOAD_TIMEOUT_MS,
  PACKAGE_TIMEOUT_MS,
  dockerComposeStep,
  isDockerInstalled,
  type ComposePackages,
  outputTail,
  sharedDockerSteps,
  succeeded,
} from './steps';

/** Ubuntu LTS releases and Debian releases this preparer claims (derivatives are not claimed). */
const SUPPORTED_RELEASES: ReadonlyMap<string, { name: string; versions: readonly string[] }> = new Map([
  ['ubuntu', { name: 'Ubuntu', versions: ['20.04', '22.04', '24.04'] }],
  ['debian', { name: 'Debian', versions: ['11', '12', '13'] }],
]);

/** apt without questions: the environment goes through `env`, an argv element like any other. */
const APT_GET = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'] as const;
/** Wait (up to 5 min) for the dpkg lock instead of failing: fresh cloud VMs run unattended-upgrades right after boot. */
const DPKG_LOCK_WAIT = ['-o', 'DPkg::Lock::Timeout=300'] as const;

/**
 * Fixed script (no variable input): succeeds when at least one package list was fetched less than
 * 24 h ago. "At least one", because apt stamps each list with the repository's Last-Modified time:
 * a release pocket that has not changed for months is old right after `apt-get update`, but a
 * list younger than 24 h proves an update ran within 24 h.
 */
export const APT_LISTS_FRESH_SCRIPT = "find /var/lib/apt/lists -maxdepth 1 -type f -name '*_Packages*' -mmin -1440 | grep -q .";

export const DEBIAN_DEPENDENCIES = ['curl', 'ca-certificates', 'gnupg'] as const;

export const DOCKER_APT_KEYRING = '/etc/apt/keyrings/docker.asc';
export const DOCKER_APT_LIST = '/etc/apt/sources.list.d/docker.list';

/** Docker's repository for this OS: `https://download.docker.com/linux/ubuntu` or `/debian`. */
export function dockerAptRepositoryUrl(os: DetectedOs): string {
  return `https://download.docker.com/linux/${os.id === 'ubuntu' ? 'ubuntu' : 'debian'}`;
}

/** Docker's repository could not be used; `auto` falls back to the distribution's package, `official` fails. */
class RepositoryUnavailable extends Error {
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {
    super(reason);
  }
}

function updatePackageIndexStep(): PreparationStep {
  return {
    id: 'update-package-index',
    title: 'Update the package index',
    async check(ctx) {
      return succeeded(await ctx.run(['sh', '-c', APT_LISTS_FRESH_SCRIPT]));
    },
    async apply(ctx) {
      await ctx.mustRunAsRoot([...APT_GET, '-q', 'update'], {
        timeoutMs: PACKAGE_TIMEOUT_MS,
        failure: "apt-get update failed: check the server's package sources (/etc/apt/sources.list and /etc/apt/sources.list.d) and its network access",
      });
    },
  };
}

/** Which of `packages` dpkg does not report as `install ok installed`. */
async function missingDebianPackages(ctx: StepContext, packages: readonly string[]): Promise<string[]> {
  // `${Package}` and `${Status}` are dpkg-query's format fields, not shell or template variables.
  const result = await ctx.run(['dpkg-query', '-W', '-f=${Package} ${Status}\\n', ...packages]);
  const installed = new Set(
    result.stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((words) => words.slice(1).join(' ') === 'install ok installed')
      .map((words) => words[0]),
  );
  return packages.filter((name) => !installed.has(name));
}

function installDependenciesStep(): PreparationStep {
  return {
    id: 'install-dependencies',
    title: `Install dependencies (${DEBIAN_DEPENDENCIES.join(', ')})`,
    async check(ctx) {
      return (await missingDebianPackages(ctx, DEBIAN_DEPENDENCIES)).length === 0;
    },
    async apply(ctx) {
      await ctx.mustRunAsRoot([...APT_GET, ...DPKG_LOCK_WAIT, 'install', '-y', '-q', '--no-install-recommends', ...DEBIAN_DEPENDENCIES], {
        timeoutMs: PACKAGE_TIMEOUT_MS,
        failure: `apt-get could not install ${DEBIAN_DEPENDENCIES.join(', ')}`,
      });
    },
  };
}

/** A codename or dpkg architecture goes into an apt source line: only plain names may. */
const APT_WORD = /^[a-z0-9][a-z0-9.+-]*$/;

function installDockerStep(): PreparationStep {
  // Set once this run starts writing Docker's repository files: rollback removes only what it wrote.
  let wroteRepositoryFiles = false;

  const removeRepositoryFiles = async (ctx: StepContext) => {
    await ctx.mustRunAsRoot(['rm', '-f', DOCKER_APT_LIST, DOCKER_APT_KEYRING], { failure: "Could not remove Docker's repository files" });
    wroteRepositoryFiles = false;
    ctx.log(`Removed ${DOCKER_APT_LIST} and ${DOCKER_APT_KEYRING}`);
  };

  /** Docker's documented repository setup; throws {@link RepositoryUnavailable} when the repository cannot be used. */
  const addDockerRepository = async (ctx: StepContext) => {
    const codename = ctx.os.codename;
    if (!codename || !APT_WORD.test(codename)) {
      throw new StepFailure(`/etc/os-release gives no usable VERSION_CODENAME (${JSON.stringify(codename)}); Docker's repository is organised by release codename`);
    }
    const printed = await ctx.run(['dpkg', '--print-architecture']);
    const architecture = printed.stdout.trim();
    if (!succeeded(printed) || !APT_WORD.test(architecture)) {
      throw new StepFailure('dpkg --print-architecture did not name the architecture', outputTail(printed));
    }
    const url = dockerAptRepositoryUrl(ctx.os);
    ctx.log(`Adding Docker's repository ${url} (${codename}, ${architecture})`);
    wroteRepositoryFiles = true;
    await ctx.mustRunAsRoot(['install', '-m', '0755', '-d', '/etc/apt/keyrings']);
    const key = await ctx.runAsRoot(['curl', '-fsSL', '--connect-timeout', CURL_CONNECT_TIMEOUT_S, `${url}/gpg`, '-o', DOCKER_APT_KEYRING], {
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
    });
    if (!succeeded(key)) throw new RepositoryUnavailable('downloading its signing key failed', outputTail(key));
    await ctx.mustRunAsRoot(['chmod', 'a+r', DOCKER_APT_KEYRING]);
    // The source line carries OS values: it goes on stdin, never into an argv string.
    await ctx.mustRunAsRoot(['tee', DOCKER_APT_LIST], {
      stdin: `deb [arch=${architecture} signed-by=${DOCKER_APT_KEYRING}] ${url} ${codename} stable\n`,
      failure: `Could not write ${DOCKER_APT_LIST}`,
    });
    // Fetch only Docker's lists (the others were updated by update-package-index): a failure here is Docker's repository's.
    const update = await ctx.runAsRoot(
      [...APT_GET, '-q', '-o', 'Dir::Etc::sourcelist=sources.list.d/docker.list', '-o', 'Dir::Etc::sourceparts=-', '-o', 'APT::Get::List-Cleanup=0', 'update'],
      { timeoutMs: PACKAGE_TIMEOUT_MS },
    );
    if (!succeeded(update)) throw new RepositoryUnavailable(`apt-get update could not read it for ${codename}`, outputTail(update));
  };

  const installOfficial = async (ctx: StepContext) => {
    await ctx.mustRunAsRoot([...APT_GET, ...DPKG_LOCK_WAIT, 'install', '-y', '-q', ...DOCKER_CE_PACKAGES], {
      timeoutMs: PACKAGE_TIMEOUT_MS,
      failure: "apt-get could not install Docker's packages from Docker's repository",
    });
    ctx.log(`Installed ${DOCKER_CE_PACKAGES.join(', ')} from Docker's repository`);
  };

  const installDistribution = async (ctx: StepContext) => {
    await ctx.mustRunAsRoot([...APT_GET, ...DPKG_LOCK_WAIT, 'install', '-y', '-q', 'docker.io'], {
      timeoutMs: PACKAGE_TIMEOUT_MS,
      failure: "apt-get could not install the distribution's Docker package (docker.io)",
    });
    ctx.log("Installed the distribution's Docker package (docker.io)");
  };

  return {
    id: 'install-docker',
    title: 'Install Docker',
    check: isDockerInstalled,
    async apply(ctx) {
      const docker = await ctx.run(['sh', '-c', COMMAND_V_DOCKER_SCRIPT]);
      if (succeeded(docker) && docker.stdout.trim().startsWith('/snap/')) {
        throw new StepFailure('Docker is installed as a snap, which Tomo does not manage: remove it (snap remove docker) and retry');
      }
      if (ctx.dockerSource === 'distribution') return installDistribution(ctx);
      const url = dockerAptRepositoryUrl(ctx.os);
      try {
        await addDockerRepository(ctx);
      } catch (error) {
        if (!(error instanceof RepositoryUnavailable)) throw error;
        if (ctx.dockerSource === 'official') {
          throw new StepFailure(
            `Docker's repository ${url} could not be reached (${error.reason}): check that the server can reach download.docker.com (DNS, proxy, firewall), or choose the distribution's Docker package`,
            error.detail,
          );
        }
        ctx.log(`WARNING: Docker's repository ${url} was unreachable (${error.reason}); using the distribution's package docker.io instead`, 'warn');
        await removeRepositoryFiles(ctx);
        return installDistribution(ctx);
      }
      await installOfficial(ctx);
    },
    async rollback(ctx) {
      if (wroteRepositoryFiles) await removeRepositoryFiles(ctx);
    },
  };
}

/**
 * Compose v2 from apt: Docker's plugin (when Docker's repository is configured), Ubuntu's
 * docker-compose-v2, Debian 13's docker-compose (2.26; Debian 12's and Ubuntu's docker-compose
 * are v1 1.29, which the step never installs).
 */
export const APT_COMPOSE_PACKAGES: ComposePackages = {
  candidates: ['docker-compose-plugin', 'docker-compose-v2', 'docker-compose'],
  async candidateVersion(ctx, name) {
    // Nothing printed for a name no source knows; `(none)` when known but not installable.
    const policy = await ctx.run(['apt-cache', 'policy', name]);
    const candidate = succeeded(policy) ? /^\s*Candidate:\s*(\S+)/m.exec(policy.stdout)?.[1] : undefined;
    return candidate && candidate !== '(none)' ? candidate : null;
  },
  install: (ctx, name) => ctx.runAsRoot([...APT_GET, ...DPKG_LOCK_WAIT, 'install', '-y', '-q', name], { timeoutMs: PACKAGE_TIMEOUT_MS }),
  advice: 'Docker\'s own repository has it as docker-compose-plugin (prepare again with the Docker source "official")',
};

function isSupported(os: DetectedOs): boolean {
  return SUPPORTED_RELEASES.get(os.id)?.versions.includes(os.versionId) ?? false;
}

/** Ubuntu 20.04, 22.04, 24.04 and Debian 11, 12, 13: apt, Docker's apt repository or docker.io. */
export const debianFamilyPreparer: OsPreparer = {
  id: 'debian-family',
  supported: [...SUPPORTED_RELEASES.values()].flatMap(({ name, versions }) => versions.map((version) => `${name} ${version}`)),
  supports: isSupported,
  plan(os) {
    if (!isSupported(os)) throw new Error(`debian-family does not support ${os.id} ${os.versionId}`);
    return [updatePackageIndexStep(), installDependenciesStep(), installDockerStep(), ...sharedDockerSteps(), dockerComposeStep(APT_COMPOSE_PACKAGES)];
  },
};
