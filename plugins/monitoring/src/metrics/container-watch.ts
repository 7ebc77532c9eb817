import type { AppsApi, InstallationView, RecordedInstallation } from '@tomo/plugin-apps/api';
import type { MonitoringAnnouncer } from '../announcer';
import { containerCpuPercent, type ContainerReading, type CpuTimes } from './probe';

/** How an app is doing, as the dashboard counts it. */
export type AppHealth = 'running' | 'stopped' | 'crashed' | 'failed' | 'installing' | 'removing' | 'unknown';

/** One Tomo-managed app of a server after a poll. */
export interface ContainerStatus {
  installationId: string;
  appId: string;
  appName: string;
  containerName: string;
  state: AppHealth;
  /** Why it is `crashed` or `unknown` (e.g. "Exited (137) 3 seconds ago"), or null. */
  detail: string | null;
  /** Share of the whole server's CPU since the previous poll, in percent (running apps only). */
  cpuPercent: number | null;
  memBytes: number | null;
}

/** A sample to store for a running container. */
export interface ContainerSampleRow {
  installationId: string;
  cpuPercent: number | null;
  memBytes: number | null;
}

/** What the watch keeps between two polls of one server. */
export interface ContainerWatchState {
  cpuNs: Map<string, number>;
  /** Installations confirmed crashed (by Docker), with the detail: an event was recorded for each. */
  crashed: Map<string, string | null>;
  /** The probe could not see this server's container cgroups (Docker said running while the probe saw nothing). */
  blind: boolean;
  polls: number;
  statuses: ContainerStatus[];
}

export const newContainerWatchState = (): ContainerWatchState => ({ cpuNs: new Map(), crashed: new Map(), blind: false, polls: 0, statuses: [] });

/** On a server whose cgroups the probe cannot read, Docker is asked at most every this many polls. */
export const BLIND_ENGINE_CHECK_EVERY = 10;

export interface ContainerWatchInput {
  serverId: string;
  recorded: RecordedInstallation[];
  /** Running containers from the probe (null: the probe had no container section). */
  seen: Map<string, ContainerReading> | null;
  hostPrevious: CpuTimes | null;
  hostCurrent: CpuTimes | null;
}

/**
 * Turns a poll's cgroup readings into app states, samples and "app crashed" events. An app Tomo
 * started (recorded `running`) whose container has no cgroup is only a suspect: Docker is asked
 * once (one extra channel, only then) and an event is recorded only if Docker says the container
 * exited or is gone, and nobody was starting or stopping it meanwhile. Steady state stays at one
 * SSH channel per server per poll.
 */
export class ContainerWatch {
  constructor(
    private readonly apps: AppsApi,
    private readonly announcer: Pick<MonitoringAnnouncer, 'appCrashed'>,
  ) {}

  async observe(state: ContainerWatchState, input: ContainerWatchInput): Promise<ContainerSampleRow[]> {
    state.polls += 1;
    const samples: ContainerSampleRow[] = [];
    const statuses = new Map<string, ContainerStatus>();
    const suspects: RecordedInstallation[] = [];
    const previous = new Map(state.statuses.map((s) => [s.installationId, s]));
    const nextCpu = new Map<string, number>();
    for (const rec of input.recorded) {
      const base = { installationId: rec.id, appId: rec.appId, appName: rec.appName, containerName: rec.containerName, detail: null, cpuPercent: null, memBytes: null };
      const reading = rec.containerId ? input.seen?.get(rec.containerId) : undefined;
      if (reading) {
        const cpuPercent = containerCpuPercent(state.cpuNs.get(rec.id), reading.cpuNs, input.hostPrevious, input.hostCurrent);
        if (reading.cpuNs !== null) nextCpu.set(rec.id, reading.cpuNs);
        state.crashed.delete(rec.id);
        // Seen running while Tomo recorded it stopped: someone started it behind Tomo's back; say what runs.
        statuses.set(rec.id, { ...base, state: 'running', cpuPercent, memBytes: reading.memBytes });
        samples.push({ installationId: rec.id, cpuPercent, memBytes: reading.memBytes });
        continue;
      }
      if (rec.state !== 'running') {
        state.crashed.delete(rec.id);
        statuses.set(rec.id, { ...base, state: rec.state });
      } else if (rec.busy) {
        statuses.set(rec.id, { ...base, state: 'running' });
      } else if (input.seen === null) {
        statuses.set(rec.id, { ...base, state: 'unknown', detail: 'the probe could not read container figures' });
      } else if (state.crashed.has(rec.id)) {
        statuses.set(rec.id, { ...base, state: 'crashed', detail: state.crashed.get(rec.id) ?? null });
      } else {
        suspects.push(rec);
      }
    }
    state.cpuNs = nextCpu;
    if (suspects.length) {
      const askDocker = !state.blind || state.polls % BLIND_ENGINE_CHECK_EVERY === 1;
      const views = askDocker ? await this.engineViews(input.serverId) : null;
      for (const rec of suspects) {
        const base = { installationId: rec.id, appId: rec.appId, appName: rec.appName, containerName: rec.containerName, cpuPercent: null, memBytes: null };
        const view = views?.get(rec.id);
        if (!view) {
          statuses.set(rec.id, previous.get(rec.id) ?? { ...base, state: 'unknown', detail: views ? 'not listed by Docker' : null });
        } else if (view.state === 'running') {
          // Docker says it runs, yet the probe saw no cgroup: the cgroup layout is one the probe does not know.
          state.blind = true;
          statuses.set(rec.id, { ...base, state: 'running', detail: null });
        } else if (view.state === 'crashed' || view.state === 'missing') {
          const detail = view.stateDetail ?? (view.state === 'missing' ? 'the container is gone' : 'the container exited');
          if (await this.stillExpectedRunning(input.serverId, rec.id)) {
            state.crashed.set(rec.id, detail);
            await this.announcer.appCrashed({ serverId: input.serverId, ownerId: rec.ownerId, installationId: rec.id, appName: rec.appName, detail });
            statuses.set(rec.id, { ...base, state: 'crashed', detail });
          } else {
            statuses.set(rec.id, { ...base, state: 'stopped', detail: null });
          }
        } else {
          statuses.set(rec.id, { ...base, state: view.state === 'unknown' ? 'unknown' : (view.state as AppHealth), detail: view.stateDetail });
        }
      }
    }
    for (const id of state.crashed.keys()) if (!statuses.has(id)) state.crashed.delete(id);
    state.statuses = input.recorded.map((r) => statuses.get(r.id)).filter((s): s is ContainerStatus => s !== undefined);
    return samples;
  }

  private async engineViews(serverId: string): Promise<Map<string, InstallationView> | null> {
    try {
      return new Map((await this.apps.listForSystem(serverId)).map((v) => [v.id, v]));
    } catch {
      return null;
    }
  }

  /** Re-read after asking Docker: a stop or uninstall that finished meanwhile is no crash. */
  private async stillExpectedRunning(serverId: string, installationId: string): Promise<boolean> {
    const now = (await this.apps.recorded(serverId)).find((r) => r.id === installationId);
    return now !== undefined && now.state === 'running' && !now.busy;
  }
}
