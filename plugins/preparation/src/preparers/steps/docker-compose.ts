import type { ExecResult } from '@tomo/plugin-servers/api';
import type { ComposeStatus, PreparationStep, StepContext } from '../../preparer-types';
import { outputTail, succeeded } from './exec';

/**
 * How a family's package manager is asked about Compose packages. Each candidate is tried in
 * order; only one whose version the package manager would install is 2.x is installed (Debian
 * 12's and Ubuntu 24.04's `docker-compose` are Compose v1 1.29: never installed).
 */
export interface ComposePackages {
  /** Packages that may carry Compose v2, preferred first (`docker-compose-plugin`, …). */
  readonly candidates: readonly string[];
  /** The version the package manager would install (`2.26.1-4`), or null when no repository has the package. */
  candidateVersion(ctx: StepContext, name: string): Promise<string | null>;
  /** Installs the package as root; the result says whether it worked. */
  install(ctx: StepContext, name: string): Promise<ExecResult>;
  /** What to do when no candidate has v2, ending the "unavailable" reason. */
  readonly advice: string;
}

/** The CLI plugin first (how Docker documents it), then a standalone v2 binary. */
const COMPOSE_COMMANDS: ReadonlyArray<readonly string[]> = [
  ['docker', 'compose'],
  ['docker-compose'],
];

/** `2.26.1` from `2.26.1-4`, `v2.29.1`, `1:2.24.6+ds1-0ubuntu1` (epoch and packaging revision dropped). */
export function composeVersionOf(text: string): { version: string; major: number } | null {
  const match = /^(?:\d+:)?v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return match ? { version: `${match[1]}.${match[2]}.${match[3]}`, major: Number(match[1]) } : null;
}

/**
 * What the SSH user can run: `docker compose version --short`, else `docker-compose version
 * --short`. The first reporting 2.x (or later) is available; a 1.x is remembered for the reason.
 */
export async function detectCompose(ctx: StepContext): Promise<{ found: ComposeStatus & { available: true }; v1: null } | { found: null; v1: string | null }> {
  let v1: string | null = null;
  for (const command of COMPOSE_COMMANDS) {
    const result = await ctx.run([...command, 'version', '--short']);
    if (!succeeded(result)) continue;
    const parsed = composeVersionOf(result.stdout);
    if (!parsed) continue;
    if (parsed.major >= 2) return { found: { available: true, version: parsed.version, command: [...command] }, v1: null };
    v1 ??= `${command.join(' ')} ${parsed.version}`;
  }
  return { found: null, v1 };
}

function recordAvailable(ctx: StepContext, found: ComposeStatus & { available: true }): void {
  ctx.recordCompose(found);
  ctx.log(`Docker Compose ${found.version} answers ${ctx.username} as \`${found.command.join(' ')}\``);
}

function recordUnavailable(ctx: StepContext, reason: string): void {
  ctx.recordCompose({ available: false, reason });
  ctx.log(`WARNING: Docker Compose v2 is unavailable, so multi-container apps cannot be installed here: ${reason}`, 'warn');
}

/** The first candidate the package manager would install as Compose v2, and what was found of the others. */
async function installable(ctx: StepContext, packages: ComposePackages): Promise<{ pick: { name: string; version: string } | null; seen: string[] }> {
  const seen: string[] = [];
  for (const name of packages.candidates) {
    const version = await packages.candidateVersion(ctx, name);
    if (!version) {
      seen.push(`${name}: not available`);
      continue;
    }
    const parsed = composeVersionOf(version);
    if (parsed && parsed.major >= 2) return { pick: { name, version }, seen };
    seen.push(`${name}: ${version}, Compose v1`);
  }
  return { pick: null, seen };
}

/** Why there is no Compose v2 to install, as a sentence ending in the family's advice. */
async function noPackageReason(ctx: StepContext, packages: ComposePackages, seen: string[]): Promise<string> {
  const { v1 } = await detectCompose(ctx);
  return `no Compose v2 package in this server's repositories (${seen.join('; ')})${v1 ? `, and the installed ${v1} is Compose v1` : ''}; ${packages.advice}`;
}

/**
 * Docker Compose v2, for multi-container apps. Satisfied when the SSH user already runs a v2, or
 * when no repository of the server offers one (nothing to do: the reason is recorded, so a
 * second run changes nothing). Otherwise installs the first candidate package whose version is
 * 2.x and verifies it as the SSH user. Never fails the preparation: Docker works without Compose
 * and single-container apps need no more; multi-container installs show the recorded reason.
 */
export function dockerComposeStep(packages: ComposePackages): PreparationStep {
  return {
    id: 'install-docker-compose',
    title: 'Install Docker Compose v2',
    async check(ctx) {
      const { found } = await detectCompose(ctx);
      if (found) {
        recordAvailable(ctx, found);
        return true;
      }
      const { pick, seen } = await installable(ctx, packages);
      if (pick) return false;
      recordUnavailable(ctx, await noPackageReason(ctx, packages, seen));
      return true;
    },
    async apply(ctx) {
      const { pick, seen } = await installable(ctx, packages);
      if (!pick) return recordUnavailable(ctx, await noPackageReason(ctx, packages, seen));
      const installed = await packages.install(ctx, pick.name);
      if (!succeeded(installed)) {
        return recordUnavailable(ctx, `installing ${pick.name} ${pick.version} failed (${outputTail(installed, 3) || 'no output'}); retry the preparation once the package manager works`);
      }
      ctx.log(`Installed ${pick.name} ${pick.version}`);
      const { found } = await detectCompose(ctx);
      if (found) return recordAvailable(ctx, found);
      recordUnavailable(ctx, `${pick.name} ${pick.version} was installed, but neither \`docker compose version\` nor \`docker-compose version\` reports v2 for ${ctx.username}`);
    },
  };
}
