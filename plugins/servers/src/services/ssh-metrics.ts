import type { MetricsRegistrar } from '@tomo/kernel';

/** What the SSH pool reports for `/metrics`. */
export interface SshMetrics {
  /** A connection attempt ended: `ok` (ready to use) or `failed` (refused, unreachable, wrong host key, timed out). */
  connection(outcome: 'ok' | 'failed'): void;
  /** A command ended after `seconds` (waiting for a connection and a channel included): `completed` with any exit code, or `failed` (connection lost, deadline). */
  command(outcome: 'completed' | 'failed', seconds: number): void;
}

/** For pools nobody scrapes (unit tests of the pool). */
export const NO_SSH_METRICS: SshMetrics = { connection: () => undefined, command: () => undefined };

/** The SSH pool's metrics: connections open now (read at scrape time), connection attempts, commands and their latency. */
export function registerSshMetrics(metrics: MetricsRegistrar, openConnections: () => number): SshMetrics {
  metrics.gauge({ name: 'tomo_ssh_pool_connections', help: 'SSH connections open in the pool (one per server in use)', collect: openConnections });
  const connections = metrics.counter({ name: 'tomo_ssh_connections_total', help: 'SSH connection attempts, by outcome (ok, failed)', labelNames: ['outcome'] });
  const commands = metrics.counter({ name: 'tomo_ssh_commands_total', help: 'Remote commands run over SSH, by outcome (completed with any exit code, or failed: connection lost, deadline)', labelNames: ['outcome'] });
  const duration = metrics.histogram({ name: 'tomo_ssh_command_duration_seconds', help: 'Time a remote command took, waiting for the connection and a channel included' });
  return {
    connection: (outcome) => connections.inc({ outcome }),
    command(outcome, seconds) {
      commands.inc({ outcome });
      duration.observe({}, seconds);
    },
  };
}
