import type { Principal } from '@tomo/kernel';
import type { ServerService } from '@tomo/plugin-servers/api';
import type { AlertEngine } from '../evaluation/alert-engine';
import { valueOf } from '../evaluation/figures';
import { breaches } from '../evaluation/metric-evaluator';
import type { RuleDraft } from './rule-model';

export interface PreviewMatch {
  serverId: string;
  serverName: string;
  value: number | null;
  firing: boolean;
}

/**
 * What a rule draft would say on the current data, ignoring `forMinutes`: for a metric rule each
 * covered server's last polled value and whether it is past the threshold; for an event rule
 * whether such an alert is firing on the server now.
 */
export async function previewRule(principal: Principal, draft: RuleDraft, servers: Pick<ServerService, 'list'>, engine: Pick<AlertEngine, 'lastPoll' | 'firingFor'>): Promise<PreviewMatch[]> {
  const covered = (await servers.list(principal)).filter((s) => !draft.serverId || s.id === draft.serverId);
  return covered.map((server) => {
    if (draft.kind === 'metric' && draft.metric && draft.operator && draft.threshold !== null) {
      const poll = engine.lastPoll(server.id);
      const value = poll ? valueOf(draft.metric, poll) : null;
      return { serverId: server.id, serverName: server.name, value, firing: value !== null && breaches({ operator: draft.operator, threshold: draft.threshold }, value) };
    }
    return { serverId: server.id, serverName: server.name, value: null, firing: draft.event ? engine.firingFor(draft.event, server.id) : false };
  });
}
