import { StepFailure } from '../step-failure';
import type { DetectedOs, OsPreparer, PreparationStep, StepContext } from '../preparer-types';
import {
  CURL_CONNECT_TIMEOUT_S,
  DOCKER_CE_PACKAGES,
  DOWNLOAD_TIMEOUT_MS,
  PACKAGE_TIMEOUT_MS,
  dockerComposeStep,
  isDockerInstalled,
  outputTail,
  sharedDockerSteps,
  succeeded,
  type ComposePackages,
} from './steps';

/** Enterprise Linux rebuilds (and RHEL) this preparer claims, by `ID`, with their display names. */
const ENTERPRISE_LINUX: ReadonlyMap<string, string> = new Map([
  ['rhel', 'RHEL'],
  ['rocky', 'Rocky Linux'],
  ['almalinux', 'AlmaLinux'],
]);
const ENTERPRISE_MAJORS = ['8', '9'] as const;
const FEDORA_MINIMUM = 38;

/**
 * Fixed script (no variable input): succeeds when dnf fetched some repository metadata less than
 * 24 h ago (dnf 4 keeps it in /var/cache/dnf, dnf 5 in /var/cache/libdnf5).
 */
export const DNF_METADATA_FRESH_SCRIPT = 'find /var/cache/dnf /var/cache/libdnf5 -name repomd.xml -mmin -1440 2>/dev/null | grep -q .';

/**
 * What the dependencies step needs, as rpm capabilities, and the package to install when one is
 * missing. curl is checked by its file: RHEL 9 and Fedora images ship `curl-minimal`, which
 * provides /usr/bin/curl but conflicts with the `curl` package, so `curl` is installed only
 * when no curl is there at all.
 */
export const RHEL_DEPENDENCIES = [
  { capability: '/usr/bin/curl', name: 'curl' },
  { capability: 'ca-certificates', name: 'ca-certificates' },
] as const;

export const DOCKER_YUM_REPO_FILE = '/etc/yum.repos.d/docker-ce.repo';
/** The repository id Docker's .repo file defines for its stable channel. */
const DOCKER_STABLE_REPO_ID = 'docker-ce-stable';

export const RHEL_DISTRIBUTION_REFUSED =
  "RHEL, Rocky Linux and AlmaLinux have no Docker package of their own (podman-docker is not Docker): choose Docker's official repository as the Docker source";
export const RHEL_NO_FALLBACK = "Docker's repository could not be reached and RHEL/Rocky/Alma have no Docker package of their own";

const isFedora = (os: DetectedOs) => os.id === 'fedora';

/** Docker's .repo file for this OS: Fedora's, RHEL's, or CentOS's for the rebuilds (as Docker's docs say). */
export function dockerRepoFileUrl(os: DetectedOs): string {
  const flavour = isFedora(os) ? 'fedora' : os.id === 'rhel' ? 'rhel' : 'centos';
  return `https://download.docker.com/linux/${flavour}/docker-ce.repo`;
}

/** Docker's repository could not be used; `auto` falls back to moby-engine on Fedora, fails elsewhere. */
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
      return succeeded(await ctx.run(['sh', '-c', DNF_METADATA_FRESH_SCRIPT]));
    },
    async apply(ctx) {
      await ctx.mustRunAsRoot(['dnf', '-y', '-q', 'makecache'], {
        timeoutMs: PACKAGE_TIMEOUT_MS,
        failure: "dnf could not refresh its repository metadata: check the server's repositories (/etc/yum.repos.d) and its network access",
      });
    },
  };
}

/** The packages of {@link RHEL_DEPENDENCIES} whose capability no installed package provides. */
async function missingDependencies(ctx: StepContext): Promise<string[]> {
  const result = await ctx.run(['rpm', '-q', '--whatprovides', ...RHEL_DEPENDENCIES.map((d) => d.capability)]);
  if (succeeded(result)) return [];
  const missing = new Set(
    result.stdout
      .split('\n')
      .map((line) => /^no package provides (\S+)$/.exec(line.trim())?.[1])
      .filter((capability): capability is string => Boolean(capability)),
  );
  const named = RHEL_DEPENDENCIES.filter((d) => missing.has(d.capability)).map((d) => d.name);
  // rpm failed without saying which: install them all (dnf skips what is there).
  return named.length > 0 ? named : RHEL_DEPENDENCIES.map((d) => d.name);
}

function installDependenciesStep(): PreparationStep {
  return {
    id: 'install-dependencies',
    title: `Install dependencies (${RHEL_DEPENDENCIES.map((d) => d.name).join(', ')})`,
    async check(ctx) {
      return (await missingDependencies(ctx)).length === 0;
    },
    async apply(ctx) {
      const missing = await missingDependencies(ctx);
      if (missing.length === 0) return;
      await ctx.mustRunAsRoot(['dnf', '-y', 'install', ...missing], { timeoutMs: PACKAGE_TIMEOUT_MS, failure: `dnf could not install ${missing.join(', ')}` });
    },
  };
}

function installDockerStep(): PreparationStep {
  // Set once this run starts writing Docker's .repo file: rollback removes only what it wrote.
  let wroteRepoFile = false;

  const removeRepoFile = async (ctx: StepContext) => {
    await ctx.mustRunAsRoot(['rm', '-f', DOCKER_YUM_REPO_FILE], { failure: `Could not remove ${DOCKER_YUM_REPO_FILE}` });
    wroteRepoFile = false;
    ctx.log(`Removed ${DOCKER_YUM_REPO_FILE}`);
  };

  /**
   * Docker's repository, the way `dnf config-manager --add-repo` adds it (that command's syntax
   * differs between dnf 4 and dnf 5, Fedora 41+): its .repo file saved to /etc/yum.repos.d.
   * Then its metadata is fetched alone, so a failure is the repository's (unreachable, or no
   * packages for this release yet).
   */
  const addDockerRepository = async (ctx: StepContext) => {
    const url = dockerRepoFileUrl(ctx.os);
    ctx.log(`Adding Docker's repository ${url}`);
    wroteRepoFile = true;
    const fetched = await ctx.runAsRoot(['curl', '-fsSL', '--connect-timeout', CURL_CONNECT_TIMEOUT_S, url, '-o', DOCKER_YUM_REPO_FILE], {
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
    });
    if (!succeeded(fetched)) throw new RepositoryUnavailable('downloading its .repo file failed', outputTail(fetched));
    const metadata = await ctx.runAsRoot(['dnf', '-y', '-q', `--repo=${DOCKER_STABLE_REPO_ID}`, 'makecache'], { timeoutMs: PACKAGE_TIMEOUT_MS });
    if (!succeeded(metadata)) throw new RepositoryUnavailable('dnf could not read its metadata for this release', outputTail(metadata));
  };

  const installOfficial = async (ctx: StepContext) => {
    await ctx.mustRunAsRoot(['dnf', '-y', 'install', ...DOCKER_CE_PACKAGES], {
      timeoutMs: PACKAGE_TIMEOUT_MS,
      failure:
        "dnf could not install Docker's packages. If podman-docker, podman or runc are installed they conflict with them: remove them (dnf remove podman-docker podman runc) and retry",
    });
    ctx.log(`Installed ${DOCKER_CE_PACKAGES.join(', ')} from Docker's repository`);
  };

  const installMobyEngine = async (ctx: StepContext) => {
    await ctx.mustRunAsRoot(['dnf', '-y', 'install', 'moby-engine'], {
      timeoutMs: PACKAGE_TIMEOUT_MS,
      failure: "dnf could not install Fedora's Docker package (moby-engine)",
    });
    ctx.log("Installed Fedora's Docker package (moby-engine)");
  };

  return {
    id: 'install-docker',
    title: 'Install Docker',
    check: isDockerInstalled,
    async apply(ctx) {
      if (ctx.dockerSource === 'distribution') {
        if (!isFedora(ctx.os)) throw new StepFailure(RHEL_DISTRIBUTION_REFUSED);
        return installMobyEngine(ctx);
      }
      try {
        await addDockerRepository(ctx);
      } catch (error) {
        if (!(error instanceof RepositoryUnavailable)) throw error;
        const url = dockerRepoFileUrl(ctx.os);
        if (ctx.dockerSource === 'official') {
          throw new StepFailure(
            `Docker's repository ${url} could not be reached (${error.reason}): check that the server can reach download.docker.com (DNS, proxy, firewall)${isFedora(ctx.os) ? ", or choose the distribution's Docker package" : ''}`,
            error.detail,
          );
        }
        if (!isFedora(ctx.os)) {
          throw new StepFailure(`${RHEL_NO_FALLBACK}: check that the server can reach download.docker.com (DNS, proxy, firewall)`, error.detail);
        }
        ctx.log(`WARNING: Docker's repository ${url} was unreachable (${error.reason}); using Fedora's package moby-engine instead`, 'warn');
        await removeRepoFile(ctx);
        return installMobyEngine(ctx);
      }
      await installOfficial(ctx);
    },
    async rollback(ctx) {
      if (wroteRepoFile) await removeRepoFile(ctx);
    },
  };
}

/** The major release of an Enterprise Linux `VERSION_ID` (`9.3` → `9`). */
const majorOf = (versionId: string) => versionId.split('.')[0];

function isSupported(os: DetectedOs): boolean {
  if (ENTERPRISE_LINUX.has(os.id)) return (ENTERPRISE_MAJORS as readonly string[]).includes(majorOf(os.versionId));
  return isFedora(os) && /^\d+$/.test(os.versionId) && Number(os.versionId) >= FEDORA_MINIMUM;
}

/**
 * Compose v2 from dnf: Docker's plugin (installed with docker-ce from Docker's repository), else
 * Fedora's docker-compose (v2 since Fedora 37).
 */
export const DNF_COMPOSE_PACKAGES: ComposePackages = {
  candidates: ['docker-compose-plugin', 'docker-compose'],
  async candidateVersion(ctx, name) {
    // As root: the metadata the update step refreshed is root's. dnf 4 and dnf 5 both take this
    // form; dnf 5 adds no newline after each result, hence the space (one result per architecture).
    const query = await ctx.runAsRoot(['dnf', '-q', 'repoquery', '--latest-limit=1', '--qf', '%{version} ', name], { timeoutMs: PACKAGE_TIMEOUT_MS });
    const version = succeeded(query) ? query.stdout.trim().split(/\s+/)[0] : '';
    return version ? version : null;
  },
  install: (ctx, name) => ctx.runAsRoot(['dnf', '-y', 'install', name], { timeoutMs: PACKAGE_TIMEOUT_MS }),
  advice: 'Docker\'s repository has it as docker-compose-plugin (prepare again with the Docker source "official")',
};

/** RHEL, Rocky Linux and AlmaLinux 8 and 9, Fedora 38 and later: dnf, Docker's repository, or Fedora's moby-engine. */
export const rhelFamilyPreparer: OsPreparer = {
  id: 'rhel-family',
  supported: [
    ...[...ENTERPRISE_LINUX.values()].flatMap((name) => ENTERPRISE_MAJORS.map((major) => `${name} ${major}`)),
    `Fedora ${FEDORA_MINIMUM} and later`,
  ],
  supports: isSupported,
  plan(os) {
    if (!isSupported(os)) throw new Error(`rhel-family does not support ${os.id} ${os.versionId}`);
    return [updatePackageIndexStep(), installDependenciesStep(), installDockerStep(), ...sharedDockerSteps(), dockerComposeStep(DNF_COMPOSE_PACKAGES)];
  },
};
