import type { AppDefinition, Architecture } from '../catalog/definition-schema';

/** `uname -m` → Docker's platform architecture. */
const UNAME_TO_DOCKER: Readonly<Record<string, Architecture>> = {
  x86_64: 'amd64',
  amd64: 'amd64',
  aarch64: 'arm64',
  arm64: 'arm64',
  armv7l: 'arm/v7',
  armv6l: 'arm/v6',
  i386: '386',
  i686: '386',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** What the server said about itself at its last connection test (the servers plugin's facts). */
export interface ServerFacts {
  architecture: string | null;
  memoryBytes: number | null;
}

/**
 * Whether the app's stated requirements fit the server: an image not published for the server's
 * CPU cannot run there (an error); less memory than the app wants is a warning (it may still run).
 * Unknown facts (never tested) and unstated requirements pass.
 */
export function checkServerFit(app: AppDefinition, facts: ServerFacts | null): { error?: string; warnings: string[] } {
  const warnings: string[] = [];
  const arch = facts?.architecture ? UNAME_TO_DOCKER[facts.architecture] : undefined;
  const wanted = app.requirements.architectures;
  if (arch && wanted && !wanted.includes(arch)) {
    return { error: `${app.name} is published for ${wanted.join(', ')}; this server is ${arch} (${facts!.architecture})`, warnings };
  }
  const needMiB = app.requirements.memoryMiB;
  if (needMiB && facts?.memoryBytes && facts.memoryBytes < needMiB * 1024 * 1024) {
    warnings.push(`${app.name} wants ${needMiB} MiB of memory; this server has ${Math.round(facts.memoryBytes / 1024 / 1024)} MiB in total`);
  }
  return { warnings };
}
