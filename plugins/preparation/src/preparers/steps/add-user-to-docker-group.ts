import { StepFailure } from '../../step-failure';
import type { PreparationStep, StepContext } from '../../preparer-types';
import { succeeded } from './exec';

/**
 * The SSH user's name goes to `id` and `usermod` as one argv element (never through a shell),
 * but a name starting with `-` would be read as an option: refuse it, and names no login can have.
 */
export function checkedUsername(ctx: StepContext): string {
  const name = ctx.username;
  // eslint-disable-next-line no-control-regex
  if (!name || name.startsWith('-') || /[\s:/\u0000-\u001f\u007f]/.test(name)) {
    throw new StepFailure(`The SSH username ${JSON.stringify(name)} is not a valid Linux user name`);
  }
  return name;
}

/** Adds the SSH user to the `docker` group (so it runs docker without sudo), then logs in afresh so the membership applies. */
export function addUserToDockerGroupStep(): PreparationStep {
  return {
    id: 'add-user-to-docker-group',
    title: 'Add the SSH user to the docker group',
    async check(ctx) {
      const result = await ctx.run(['id', '-nG', checkedUsername(ctx)]);
      return succeeded(result) && result.stdout.trim().split(/\s+/).includes('docker');
    },
    async apply(ctx) {
      const username = checkedUsername(ctx);
      await ctx.mustRunAsRoot(['usermod', '-aG', 'docker', username], {
        failure: `Could not add ${username} to the docker group (usermod failed; a user from LDAP or SSSD must be added to the group in the directory)`,
      });
      ctx.log(`Added ${username} to the docker group; reconnecting so the new membership applies`);
      // Group membership is read at login: the pooled connection still has the old groups.
      await ctx.reconnect();
    },
  };
}
