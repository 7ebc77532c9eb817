import type { RuleDraft } from './rule-model';

/**
 * The rules a new instance starts with: owned by the system (every server, only admins change
 * them), sending to no channel until an admin picks one.
 */
export const DEFAULT_RULES: readonly RuleDraft[] = [
  { name: 'Disk over 90 % for 10 minutes', enabled: true, kind: 'metric', metric: 'disk_root', operator: '>', threshold: 90, forMinutes: 10, clearThreshold: null, event: null, serverId: null, severity: 'warning', channelIds: [] },
  { name: 'Server offline', enabled: true, kind: 'event', metric: null, operator: null, threshold: null, forMinutes: null, clearThreshold: null, event: 'server_offline', serverId: null, severity: 'critical', channelIds: [] },
  { name: 'App crashed', enabled: true, kind: 'event', metric: null, operator: null, threshold: null, forMinutes: null, clearThreshold: null, event: 'app_crashed', serverId: null, severity: 'warning', channelIds: [] },
];
