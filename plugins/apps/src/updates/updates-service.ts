import type { Logger } from 'pino';
import { AppError, conflict, type CallContext, type HookRegistry, type Principal, type SecretVault } from '@tomo/kernel';
import type { ServerHandle, ServerService } from '@tomo/plugin-servers/api';
import type { AppDefinition } from '../catalog/definition-schema';
import type { AppsConfig } from '../config';
import type { InstallationEntity } from '../entities/installation.entity';
import { appsHooks } from '../hooks';
import type { ResolvedInstall, ResolvedPort } from '../install';
import type { AppsService } from '../services/apps-service';
import type { CatalogService } from '../services/catalog-service';
import type { EngineAccess } from '../services/engine-access';
import { InstallFailure } from '../services/installer';
import { servicesOf } from '../catalog';
import type { InstallationView, InstallStepView, ServiceImageView } from '../views';
import { runComposeRestore, runComposeUpdate, type ComposeTarget } from './compose-update';
import { previousReference, runEngineRestore, runEngineUpdate, type EngineTarget } from './engine-update';
import type { UpdateOutcome, UpdateTimings } from './update-types';
import { localDigest } from './image-digests';
import { deleteSnapshots } from './snapshots';
import { checkForUpdate } from './update-check';
import { imagesOf, snapshotsOf, SNAPSHOTS_KEPT, updateRecordOf, type SnapshotRecord, type UpdateRecord } from './update-records';
import { operationSteps } from './update-steps';

/**
 * Updates of installed apps: the check (catalog version, registry digest), the update with its
 * snapshot and automatic rollback, and the rollback by hand to the last snapshot. The work runs
 * in the background as the installation's one operation (see AppsService.startOperation); the
 * activity log hears about it through the apps hooks.
 */
export class UpdatesService {
  /** Timings of the last update per installation id (for the benchmark and the log). */
  readonly lastTimings = new Map<string, UpdateTimings>();

  constructor(
    private readonly apps: AppsService,
    private readonly servers: ServerService,
    private readonly catalog: CatalogService,
    private readonly engine: EngineAccess,
    private readonly vault: SecretVault,
    private readonly hooks: HookRegistry,
    private readonly log: Logger,
    private readonly config: AppsConfig,
  ) {}

  /** Checks one installation now and records the answer (`updates.check` of its view). */
  async check(principal: Principal, installationId: string): Promise<InstallationView> {
    const row = await this.apps.ownedRecord(principal, installationId);
    const handle = await this.servers.forCaller(principal, row.serverId);
    await this.checkRow(row, handle);
    return this.apps.viewOf(row, handle);
  }

  /** Checks every installed app (the periodic check); a server that cannot be reached is skipped until next time. */
  async checkAll(): Promise<number> {
    const rows = await this.apps.settledRecords();
    const byServer = new Map<string, InstallationEntity[]>();
    for (const row of rows) byServer.set(row.serverId, [...(byServer.get(row.serverId) ?? []), row]);
    let checked = 0;
    for (const [serverId, serverRows] of byServer) {
      try {
        const handle = await this.servers.forSystem(serverId);
        for (const row of serverRows) {
          await this.checkRow(row, handle);
          checked++;
        }
      } catch (err) {
        this.log.warn({ serverId, err: (err as Error).message }, 'Update check skipped for a server');
      }
    }
    return checked;
  }

  /**
   * At start: an update or rollback cut off by a restart of Tomo is marked failed (the step it was
   * at, and `updates.last` saying so), as installs are; the app may be stopped or half-updated, and
   * its last snapshot is there to go back to.
   */
  async markInterrupted(): Promise<number> {
    let marked = 0;
    const live = await this.apps.liveInstances();
    for (const row of await this.apps.settledRecords()) {
      // Another instance's update in flight (several instances on one PostgreSQL database).
      if (this.apps.isOperatedBy(row, live)) continue;
      const steps = JSON.parse(row.progressJson) as InstallStepView[];
      const kind = steps.some((s) => s.id === 'snapshot') ? 'update' : steps.some((s) => s.id === 'restore') ? 'rollback' : null;
      const cut = steps.find((s) => s.state === 'running');
      if (!kind || !cut) continue;
      Object.assign(cut, { state: 'failed', detail: 'Interrupted by a restart of Tomo' });
      const message = `The ${kind} was interrupted by a restart of Tomo at "${cut.title}": check the app (it may be stopped); Roll back goes back to its last snapshot`;
      await this.apps.saveRecord(row, { progressJson: JSON.stringify(steps) });
      await this.saveUpdateRecord(row, { ...updateRecordOf(row), last: { at: new Date().toISOString(), result: 'failed', message } });
      marked++;
    }
    return marked;
  }

  /** The digests an installation from before they were recorded runs: the server's images of its tags now (recorded). */
  private async currentImages(row: InstallationEntity, handle: ServerHandle): Promise<ServiceImageView[]> {
    const docker = this.engine.for(handle).docker;
    const images = [{ service: row.deployment === 'compose' ? servicesOf(JSON.parse(row.definitionJson) as AppDefinition)[0].name : row.appId, image: row.image, digest: await localDigest(docker, row.image).catch(() => null) }];
    await this.apps.saveRecord(row, { imageDigestsJson: JSON.stringify(images) });
    return images;
  }

  private async checkRow(row: InstallationEntity, handle: ServerHandle): Promise<void> {
    const docker = this.engine.for(handle).docker;
    const installed = JSON.parse(row.definitionJson) as AppDefinition;
    const images = imagesOf(row).length > 0 ? imagesOf(row) : await this.currentImages(row, handle);
    const check = await checkForUpdate({ app: installed, images }, await this.catalog.find(row.appId), docker);
    await this.saveUpdateRecord(row, { ...updateRecordOf(row), check });
  }

  /**
   * Accepts an update (409 while another operation runs or when the app is not installed) and runs
   * it in the background: the target is the catalog's definition of the app now (the installed one
   * when it left the catalog), its image pulled again so that a new digest under the same tag counts.
   */
  async update(principal: Principal, installationId: string, call: CallContext): Promise<InstallationView> {
    const row = await this.apps.ownedRecord(principal, installationId);
    const handle = await this.servers.forCaller(principal, row.serverId);
    const from = JSON.parse(row.definitionJson) as AppDefinition;
    const to = (await this.catalog.find(row.appId)) ?? from;
    const unavailable = await this.catalog.unavailable(row.appId);
    if (unavailable) throw new AppError(409, 'conflict', `${to.name} cannot be updated: the catalog's version cannot be installed: ${unavailable}`);
    if (to.security.requiresAdmin && principal.role !== 'admin') throw new AppError(403, 'forbidden', `${to.name} needs host access now: only an admin may update it`);
    // Installed before digests were recorded (an earlier release): what the server has now is what
    // it runs, so the rollback can still go back by digest even if the tag moves during the update.
    const images = imagesOf(row).length > 0 ? imagesOf(row) : await this.currentImages(row, handle);
    const fromLabel = labelOf(from);
    const toLabel = labelOf(to);
    const target = this.targetOf(row);
    const compose = row.deployment === 'compose' ? await this.composeTargetOf(row, handle, target) : null;
    this.apps.startOperation(row, 'update', operationSteps('update', `${fromLabel} → ${toLabel}`), async (progress) => {
      const previousSnapshots = snapshotsOf(row);
      let taken: SnapshotRecord | null = null;
      let outcome: UpdateOutcome;
      const engine = this.engine.for(handle);
      try {
        const onSnapshot = async (snapshot: { file: string; sizeBytes: number | null } | null) => {
          if (!snapshot) return;
          taken = { id: snapshot.file.slice(snapshot.file.lastIndexOf('/') + 1).replace(/\.tar\.gz$/, ''), createdAt: new Date().toISOString(), file: snapshot.file, sizeBytes: snapshot.sizeBytes, appVersion: from.version ?? null, images, definitionJson: row.definitionJson, image: row.image };
          const kept = [...previousSnapshots, taken];
          const dropped = kept.splice(0, Math.max(0, kept.length - SNAPSHOTS_KEPT));
          await this.apps.saveRecord(row, { snapshotsJson: JSON.stringify(kept) });
          await deleteSnapshots(engine, row.dataDir, dropped.map((s) => s.file), previousReference(images, from.image)).catch((err: Error) => this.log.warn({ installationId: row.id, err: err.message }, 'Old snapshots not deleted'));
        };
        outcome = compose
          ? await runComposeUpdate(compose.target, { app: from, images }, { app: to }, compose.runner, engine, progress, onSnapshot)
          : await runEngineUpdate(target, { app: from, images }, { app: to }, engine, progress, onSnapshot);
      } catch (err) {
        // Failed before the app changed (snapshot or pull): the previous container was started again.
        const reason = err instanceof InstallFailure ? err.message : `Unexpected error: ${(err as Error).message}`;
        await progress.set(progress.current(), 'failed', reason);
        await this.finishUpdate(row, handle, call, { result: 'failed', reason, from: fromLabel, to: toLabel });
        return;
      }
      this.lastTimings.set(row.id, outcome.timings);
      this.log.info({ installationId: row.id, result: outcome.result, ...Object.fromEntries(Object.entries(outcome.timings).map(([k, v]) => [k, Math.round(v)])) }, 'App update finished');
      if (outcome.result === 'updated') {
        await this.apps.saveRecord(row, { image: to.image, appName: to.name, definitionJson: JSON.stringify(to), imageDigestsJson: JSON.stringify(outcome.images), state: 'running', containerId: await this.containerIdOf(row, handle) });
        await this.finishUpdate(row, handle, call, { result: 'updated', reason: null, from: fromLabel, to: toLabel });
        return;
      }
      const snapshotFile = (taken as SnapshotRecord | null)?.file ?? null;
      const rollbackError = outcome.result === 'rollback_failed' ? outcome.rollbackError : null;
      await this.apps.saveRecord(row, { state: 'running', containerId: await this.containerIdOf(row, handle) });
      await this.finishUpdate(row, handle, call, { result: outcome.result, reason: outcome.reason, from: fromLabel, to: toLabel });
      const view = await this.apps.viewOf(row, handle);
      await this.hooks.of(appsHooks).appRolledBack.promise({ installation: view, automatic: true, to: previousReference(images, from.image), snapshot: snapshotFile, error: rollbackError, call });
    });
    return this.apps.viewOf(row, handle);
  }

  /**
   * Goes back to the last snapshot by hand: its data and the image digest and definition it
   * belonged to. 409 when there is none.
   */
  async rollback(principal: Principal, installationId: string, call: CallContext): Promise<InstallationView> {
    const row = await this.apps.ownedRecord(principal, installationId);
    const handle = await this.servers.forCaller(principal, row.serverId);
    const snapshot = snapshotsOf(row).at(-1);
    if (!snapshot) throw conflict(`${row.appName} has no snapshot to go back to: one is taken before each update`);
    const app = JSON.parse(snapshot.definitionJson) as AppDefinition;
    const to = previousReference(snapshot.images, app.image);
    const target = this.targetOf(row);
    const compose = row.deployment === 'compose' ? await this.composeTargetOf(row, handle, target) : null;
    this.apps.startOperation(row, 'rollback', operationSteps('rollback', `Back to ${to} with the data of ${snapshot.createdAt}`), async (progress) => {
      let error: string | null = null;
      try {
        const back = { app, images: snapshot.images, file: snapshot.file };
        if (compose) await runComposeRestore(compose.target, back, compose.runner, this.engine.for(handle), progress);
        else await runEngineRestore(target, back, this.engine.for(handle), progress);
        await this.apps.saveRecord(row, { image: snapshot.image, appName: app.name, definitionJson: snapshot.definitionJson, imageDigestsJson: JSON.stringify(snapshot.images), state: 'running', containerId: await this.containerIdOf(row, handle) });
        await this.saveUpdateRecord(row, { ...updateRecordOf(row), last: { at: new Date().toISOString(), result: 'restored', message: `Back to ${to} with the data of ${snapshot.createdAt}` } });
      } catch (err) {
        error = err instanceof InstallFailure ? err.message : `Unexpected error: ${(err as Error).message}`;
        await progress.set(progress.current(), 'failed', error);
        await this.saveUpdateRecord(row, { ...updateRecordOf(row), last: { at: new Date().toISOString(), result: 'rollback_failed', message: error } });
      }
      const view = await this.apps.viewOf(row, handle);
      await this.hooks.of(appsHooks).appRolledBack.promise({ installation: view, automatic: false, to, snapshot: snapshot.file, error, call });
    });
    return this.apps.viewOf(row, handle);
  }

  /** What an update acts on: the container, data folder, and the settings as installed (secrets unsealed here only). */
  private targetOf(row: InstallationEntity): EngineTarget {
    const secrets = row.secretsSealed ? (JSON.parse(this.vault.openText(row.secretsSealed, row.id)) as Record<string, string>) : {};
    const resolved: ResolvedInstall = {
      ports: JSON.parse(row.portsJson) as ResolvedPort[],
      env: { ...(JSON.parse(row.settingsJson) as Record<string, string>), ...secrets },
      secretNames: JSON.parse(row.secretNamesJson) as string[],
      capabilities: JSON.parse(row.capabilitiesJson) as string[],
    };
    return {
      installationId: row.id,
      serverId: row.serverId,
      containerName: row.containerName,
      dataDir: row.dataDir,
      resolved,
      stopTimeoutSeconds: this.config.stopTimeoutSeconds,
      pullTimeoutMs: this.config.pullTimeoutMs,
    };
  }

  /** A Compose installation's target and runner (how Compose is called on its server now). */
  private async composeTargetOf(row: InstallationEntity, handle: ServerHandle, engineTarget: EngineTarget): Promise<{ target: ComposeTarget; runner: Awaited<ReturnType<AppsService['composeRunnerFor']>>['runner'] }> {
    const { runner, program } = await this.apps.composeRunnerFor(row, handle);
    const { installationId, serverId, dataDir, resolved, pullTimeoutMs } = engineTarget;
    return { target: { installationId, serverId, dataDir, resolved, program, pullTimeoutMs }, runner };
  }

  /** The id of the installation's (main) container after it was recreated, so per-container readings follow it. */
  private async containerIdOf(row: InstallationEntity, handle: ServerHandle): Promise<string | null> {
    return (await this.engine.for(handle).docker.getContainer(row.containerName).inspect().catch(() => null))?.Id ?? row.containerId;
  }

  private async finishUpdate(row: InstallationEntity, handle: ServerHandle, call: CallContext, done: { result: 'updated' | 'failed' | 'rolled_back' | 'rollback_failed'; reason: string | null; from: string; to: string }): Promise<void> {
    const message =
      done.result === 'updated'
        ? `Updated: ${done.from} → ${done.to}`
        : done.result === 'failed'
          ? `The update to ${done.to} failed before the app changed (${done.reason}); ${done.from} runs as before`
          : done.result === 'rolled_back'
            ? `The update to ${done.to} failed (${done.reason}); rolled back to ${done.from} with the data from before the update`
            : `The update to ${done.to} failed (${done.reason}) and so did the rollback: see the progress`;
    const record: UpdateRecord = updateRecordOf(row);
    // After an update, the check's answer is stale: the next check says again.
    await this.saveUpdateRecord(row, { check: done.result === 'updated' ? null : record.check, last: { at: new Date().toISOString(), result: done.result, message } });
    const view = await this.apps.viewOf(row, handle);
    await this.hooks.of(appsHooks).appUpdated.promise({ installation: view, result: done.result, from: done.from, to: done.to, reason: done.reason, call }).catch((err: Error) => this.log.error({ err }, 'appUpdated hook failed'));
  }

  private saveUpdateRecord(row: InstallationEntity, record: UpdateRecord): Promise<void> {
    return this.apps.saveRecord(row, { updateJson: JSON.stringify(record) });
  }
}

/** "Webapp 2 (tomo-test/webapp:2)", for progress lines and the activity log. */
function labelOf(app: AppDefinition): string {
  return `${app.name}${app.version ? ` ${app.version}` : ''} (${app.image})`;
}

