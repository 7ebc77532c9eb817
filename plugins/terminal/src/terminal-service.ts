import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, forbidden, notFound, type AuthenticatedCall, type Principal } from '@tomo/kernel';
import type { ServerService } from '@tomo/plugin-servers/api';
import type { AppsApi } from '@tomo/plugin-apps/api';
import type { ActivityLog } from '@tomo/plugin-activity/api';
import type { TerminalConfig } from './config';
import { containerShell, loginShellName, serverShell, type ShellOpener } from './shell-backend';
import { TerminalSession, type CloseReason } from './terminal-session';
import type { TerminalView } from './schemas';

/** A terminal never attached within this is dropped (an abandoned POST costs nothing more). */
const ATTACH_WITHIN_MS = 30_000;

interface OpenTerminal {
  view: TerminalView;
  ownerId: string;
  /** For the activity entries: who opened it, through which door, whose server it is. */
  actor: { userId: string; username: string; door: 'console' | 'api'; clientIp: string };
  serverOwnerId: string;
  session: TerminalSession;
  openedAt: number | undefined;
}

/**
 * The open terminals: creation with its checks (enabled, ownership through the servers' and
 * apps' own rules, the caps), the owner-or-admin rule for every later use (404 otherwise), and
 * their activity entries. Terminals live in memory: a restart ends them.
 */
export class TerminalService {
  private readonly terminals = new Map<string, OpenTerminal>();

  constructor(
    private readonly config: TerminalConfig,
    private readonly servers: ServerService,
    private readonly apps: AppsApi,
    private readonly activity: ActivityLog,
    private readonly log: Logger,
  ) {}

  /** 403 `terminal_disabled` when `terminal.enabled` is off. */
  requireEnabled(): void {
    if (!this.config.enabled) throw new AppError(403, 'terminal_disabled', 'Terminals are turned off on this Tomo (terminal.enabled)');
  }

  async create(input: { serverId?: string; installationId?: string; service?: string }, call: AuthenticatedCall): Promise<TerminalView> {
    this.requireEnabled();
    const principal = call.principal;
    let opener: ShellOpener;
    let view: Omit<TerminalView, 'id' | 'socketPath' | 'createdAt'>;
    let serverOwnerId: string;
    if (input.serverId !== undefined) {
      const handle = await this.servers.forCaller(principal, input.serverId);
      this.checkCaps(principal);
      // One round trip: the server answers (else a 502 now, not a dead socket later) and names the login shell.
      const probe = await handle.exec(['printenv', 'SHELL'], { timeoutMs: 15000 });
      opener = serverShell(handle, loginShellName(probe.stdout));
      view = { kind: 'server', serverId: handle.info.id, title: handle.info.name };
      serverOwnerId = handle.info.ownerId;
    } else {
      const target = await this.apps.containerShell(principal, input.installationId as string, input.service);
      this.checkCaps(principal);
      opener = containerShell(target);
      view = { kind: 'container', serverId: target.serverId, installationId: target.installationId, service: target.service, title: `${target.appName} / ${target.service}` };
      serverOwnerId = target.ownerId;
    }
    this.checkCaps(principal);
    const id = randomUUID();
    const full: TerminalView = { id, ...view, createdAt: new Date().toISOString(), socketPath: `/api/terminals/${id}/socket` };
    const entry: OpenTerminal = {
      view: full,
      ownerId: principal.id,
      actor: { userId: principal.id, username: principal.name, door: call.fromConsole ? 'console' : 'api', clientIp: call.clientIp },
      serverOwnerId,
      openedAt: undefined,
      session: undefined as unknown as TerminalSession,
    };
    entry.session = new TerminalSession(
      opener,
      { idleMs: this.config.idleTimeoutMinutes * 60_000, graceMs: this.config.reconnectGraceSeconds * 1000, attachMs: ATTACH_WITHIN_MS },
      { opened: () => this.opened(entry), closed: (reason) => this.closed(entry, reason) },
      this.log,
    );
    this.terminals.set(id, entry);
    return full;
  }

  /** The caps count every terminal not yet closed, pending ones too. */
  private checkCaps(principal: Principal): void {
    const mine = [...this.terminals.values()].filter((t) => t.ownerId === principal.id).length;
    if (mine >= this.config.maxPerUser) {
      throw new AppError(429, 'terminal_limit', `You have ${mine} terminals open; the limit is ${this.config.maxPerUser} per user (terminal.maxPerUser): close one first`);
    }
    if (this.terminals.size >= this.config.maxTotal) {
      throw new AppError(429, 'terminal_limit', `${this.terminals.size} terminals are open on this Tomo; the limit is ${this.config.maxTotal} (terminal.maxTotal)`);
    }
  }

  /** The caller's open terminals (an admin's: all). */
  list(principal: Principal): TerminalView[] {
    return [...this.terminals.values()].filter((t) => principal.role === 'admin' || t.ownerId === principal.id).map((t) => t.view);
  }

  /** A terminal the caller may use: its opener's, or any for an admin; 404 otherwise, as for an unknown id. */
  session(principal: Principal, id: string): { session: TerminalSession; view: TerminalView } {
    const entry = this.terminals.get(id);
    if (!entry || (entry.ownerId !== principal.id && principal.role !== 'admin')) throw notFound('Terminal');
    return { session: entry.session, view: entry.view };
  }

  /** DELETE: closes the channel at once. */
  close(principal: Principal, id: string): void {
    this.session(principal, id).session.close('user');
  }

  /** Shutdown: every terminal ends. */
  closeAll(): void {
    for (const entry of [...this.terminals.values()]) entry.session.close('shutdown', 1001);
  }

  private opened(entry: OpenTerminal): void {
    entry.openedAt = Date.now();
    this.record(entry, 'terminal.opened', `terminal ${entry.view.id}`);
  }

  private closed(entry: OpenTerminal, reason: CloseReason): void {
    this.terminals.delete(entry.view.id);
    // A terminal whose shell never started was never opened: nothing to record.
    if (entry.openedAt === undefined) return;
    const seconds = Math.round((Date.now() - entry.openedAt) / 1000);
    this.record(entry, 'terminal.closed', `terminal ${entry.view.id}; ${seconds} s; closed: ${reason}`);
  }

  /** One activity entry about a terminal: who, on which server or installation; never what was typed or shown. */
  private record(entry: OpenTerminal, action: 'terminal.opened' | 'terminal.closed', detail: string): void {
    void this.activity.record({
      action,
      result: 'ok',
      ...entry.actor,
      ownerId: entry.serverOwnerId,
      serverId: entry.view.serverId,
      targetType: entry.view.kind === 'server' ? 'server' : 'installation',
      targetId: entry.view.kind === 'server' ? entry.view.serverId : (entry.view.installationId as string),
      targetName: entry.view.title,
      detail,
    });
  }

  /** Refuses a socket for a disabled Tomo before looking the terminal up. */
  requireEnabledForSocket(): void {
    if (!this.config.enabled) throw forbidden('Terminals are turned off on this Tomo (terminal.enabled)');
  }
}
