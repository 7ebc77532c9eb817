import type { ServerPolledEvent } from '@tomo/plugin-monitoring/api';
import type { Metric } from '../rules/rule-model';

/** The poll's figure a metric rule watches (null when the poll could not measure it). */
export function valueOf(metric: Metric, poll: ServerPolledEvent): number | null {
  switch (metric) {
    case 'cpu':
      return poll.cpuPercent;
    case 'memory':
      return poll.memoryPercent;
    case 'disk_root':
      return poll.diskRootPercent;
    case 'disk_docker':
      return poll.diskDockerPercent;
    case 'load':
      return poll.load1;
    case 'ssh_latency':
      return poll.sshLatencyMs;
  }
}
