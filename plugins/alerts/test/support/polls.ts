import type { TestKernel } from '@tomo/kernel/testing';
import { monitoringHooks, type ServerPolledEvent } from '@tomo/plugin-monitoring/api';

/** A poll's figures (everything at rest but what the test sets). */
export function pollOf(server: { serverId: string; serverName: string; ownerId: string }, at: Date, figures: Partial<ServerPolledEvent> = {}): ServerPolledEvent {
  return { ...server, at, cpuPercent: 5, memoryPercent: 30, diskRootPercent: 40, diskDockerPercent: 40, load1: 0.2, sshLatencyMs: 20, apps: [], ...figures };
}

/** Announces a poll through the monitoring plugin's own hook, as its poller does. */
export async function announcePoll(t: TestKernel, poll: ServerPolledEvent): Promise<void> {
  await t.kernel.hooks.of(monitoringHooks).serverPolled.promise(poll);
}
