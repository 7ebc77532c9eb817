import { StepFailure } from '../../step-failure';
import type { PreparationStep } from '../../preparer-types';
import { succeeded } from './exec';

export const NO_SYSTEMD_MESSAGE = 'This server does not run systemd; Tomo needs systemd to manage the Docker service';

/**
 * Starts the Docker service and enables it at boot. Satisfied when systemd reports it both
 * enabled and active (queries a non-root user may make).
 */
export function enableDockerServiceStep(): PreparationStep {
  return {
    id: 'enable-docker-service',
    title: 'Start and enable the Docker service',
    async check(ctx) {
      return succeeded(await ctx.run(['systemctl', 'is-enabled', 'docker'])) && succeeded(await ctx.run(['systemctl', 'is-active', 'docker']));
    },
    async apply(ctx) {
      // sd_booted(): systemd is PID 1 exactly when this directory exists.
      if (!succeeded(await ctx.run(['test', '-d', '/run/systemd/system']))) throw new StepFailure(NO_SYSTEMD_MESSAGE);
      await ctx.mustRunAsRoot(['systemctl', 'enable', '--now', 'docker'], {
        failure: 'systemd could not enable and start the Docker service (see `journalctl -u docker` on the server)',
      });
      ctx.log('The Docker service is enabled and running');
    },
  };
}
