import type { OsPreparer, PreparationStep, StepContext } from '@tomo/plugin-preparation/api';

/** Alpine releases this preparer knows (Docker is in the community repository of each). */
export const SUPPORTED_ALPINE = ['3.18', '3.19', '3.20', '3.21', '3.22'] as const;

const minor = (versionId: string) => versionId.split('.').slice(0, 2).join('.');

/** True when `apk` says the package is installed. */
async function installed(ctx: StepContext, pkg: string): Promise<boolean> {
  return (await ctx.run(['apk', 'info', '-e', pkg])).exitCode === 0;
}

/**
 * The steps for Alpine: apk instead of apt/dnf, OpenRC instead of systemd. Every step checks
 * before it changes anything, so a prepared server re-runs with every step satisfied.
 */
function alpineSteps(): PreparationStep[] {
  return [
    {
      id: 'update-package-index',
      title: 'Update the package index',
      check: async () => false,
      apply: async (ctx) => {
        await ctx.mustRunAsRoot(['apk', 'update'], { failure: 'apk could not update its package index (check /etc/apk/repositories and the network)' });
      },
    },
    {
      id: 'install-docker',
      title: 'Install Docker (apk: docker, docker-cli)',
      check: async (ctx) => (await installed(ctx, 'docker')) && (await installed(ctx, 'docker-cli')),
      apply: async (ctx) => {
        await ctx.mustRunAsRoot(['apk', 'add', '--no-interactive', 'docker', 'docker-cli'], { failure: 'apk could not install docker (is the community repository enabled?)' });
      },
    },
    {
      id: 'enable-docker',
      title: 'Start Docker and enable it at boot (OpenRC)',
      check: async (ctx) => (await ctx.runAsRoot(['rc-service', 'docker', 'status'])).exitCode === 0 && (await ctx.run(['sh', '-c', 'ls /etc/runlevels/default/docker'])).exitCode === 0,
      apply: async (ctx) => {
        await ctx.mustRunAsRoot(['rc-update', 'add', 'docker', 'default'], { failure: 'OpenRC could not enable docker (is this an OpenRC system?)' });
        await ctx.mustRunAsRoot(['rc-service', 'docker', 'start'], { failure: 'OpenRC could not start docker' });
      },
    },
    {
      id: 'docker-group',
      title: 'Let the SSH user use Docker',
      check: async (ctx) => (await ctx.run(['id', '-nG'])).stdout.split(/\s+/).includes('docker'),
      apply: async (ctx) => {
        await ctx.mustRunAsRoot(['addgroup', ctx.username, 'docker'], { failure: 'could not add the SSH user to the docker group' });
        await ctx.reconnect();
      },
    },
    {
      id: 'verify-docker',
      title: 'Verify Docker',
      check: async () => false,
      apply: async (ctx) => {
        const version = await ctx.run(['docker', 'version', '--format', '{{.Server.Version}}']);
        if (version.exitCode !== 0) throw new Error(`docker does not answer the SSH user: ${version.stderr.trim().slice(0, 300)}`);
        ctx.log(`Docker ${version.stdout.trim()} answers`);
      },
    },
  ];
}

/** Alpine Linux 3.18 to 3.22, through the preparation plugin's public extension point. */
export const alpinePreparer: OsPreparer = {
  id: 'alpine',
  supported: SUPPORTED_ALPINE.map((v) => `Alpine ${v}`),
  supports: (os) => os.id === 'alpine' && (SUPPORTED_ALPINE as readonly string[]).includes(minor(os.versionId)),
  plan: () => alpineSteps(),
};
