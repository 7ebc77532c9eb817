/**
 * Shared by the apps panels' tests (never bundled: index.ts does not import it): catalog
 * entries, definitions, servers and installations as the API returns them, and a signed-in session.
 */
import { useSession, type User } from '@tomo/ui-shell/kit';
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { FakeReply } from '../../../ui-shell/src/test-utils/fake-fetch';
import { makeUser } from '../../../ui-shell/src/test-utils/fake-fetch';
import type { AppDefinition, CatalogAppSummary, CatalogListView, CatalogStatusView, InstallationView, InstallStepView, InstallTargetView } from './api';

export const ADMIN: User = makeUser();
export const ALICE: User = makeUser({ id: 'u-alice', username: 'alice', role: 'user' });

/** A fresh Pinia with `user` signed in (an admin unless told otherwise). */
export function signIn(user: User = ADMIN): void {
  setActivePinia(createPinia());
  useSession().setUser(user);
}

/** Markup where a name goes: must show as these characters, never become an element. */
export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

export const SERVER_ID = '0b7f5f5e-1111-4c4c-9a9a-000000000001';

export function makeSummary(overrides: Partial<CatalogAppSummary> = {}): CatalogAppSummary {
  return {
    id: 'uptime-kuma',
    name: 'Uptime Kuma',
    description: 'Self-hosted monitoring of websites, ports, DNS and containers.',
    category: 'monitoring',
    tags: ['uptime'],
    version: '2',
    website: 'https://uptime.kuma.pet',
    image: 'louislam/uptime-kuma:2',
    requiresAdmin: false,
    warningCount: 0,
    source: { id: 'builtin', label: 'Built-in catalog', kind: 'builtin' },
    ...overrides,
  };
}

export const KUMA = makeSummary();
export const PORTAINER = makeSummary({
  id: 'portainer',
  name: 'Portainer CE',
  description: 'Web interface to manage Docker.',
  category: 'management',
  version: 'lts',
  website: 'https://www.portainer.io',
  image: 'portainer/portainer-ce:lts',
  requiresAdmin: true,
  warningCount: 1,
});
export const JELLYFIN = makeSummary({ id: 'jellyfin', name: 'Jellyfin', description: 'Media server.', category: 'media-server', version: '10.11.11', website: undefined, icon: 'https://example.com/jellyfin.svg' });

export function listOf(apps: CatalogAppSummary[], total = apps.length): CatalogListView {
  const categories = new Map<string, number>();
  for (const app of [KUMA, PORTAINER, JELLYFIN]) categories.set(app.category, (categories.get(app.category) ?? 0) + 1);
  return { apps, categories: [...categories].map(([category, count]) => ({ category, count })), total };
}

const contained = { privileged: false, hostNetwork: false, dockerSocket: false, capabilities: [], hostPaths: [] };

/** A contained app: one port, one data volume, no settings. */
export function makeApp(overrides: Partial<AppDefinition> = {}): AppDefinition {
  return {
    id: 'uptime-kuma',
    name: 'Uptime Kuma',
    description: 'Self-hosted monitoring of websites, ports, DNS and containers.',
    category: 'monitoring',
    tags: ['uptime'],
    version: '2',
    website: 'https://uptime.kuma.pet',
    image: 'louislam/uptime-kuma:2',
    ports: [{ container: 3001, host: 3001, protocol: 'tcp', description: 'Web interface', optional: false }],
    volumes: [{ kind: 'data', subPath: 'data', containerPath: '/app/data', readOnly: false, description: 'Database and settings' }],
    env: [],
    requirements: { memoryMiB: 256, architectures: ['amd64', 'arm64'] },
    restart: 'unless-stopped',
    hostAccess: { ...contained },
    security: { requiresAdmin: false, warnings: [] },
    notes: 'Create the administrator account\non the first visit.',
    ...overrides,
  };
}

/** Admin-only: mounts the Docker socket. */
export const PORTAINER_APP = makeApp({
  id: 'portainer',
  name: 'Portainer CE',
  description: 'Web interface to manage Docker.',
  category: 'management',
  version: 'lts',
  website: 'https://www.portainer.io',
  image: 'portainer/portainer-ce:lts',
  ports: [
    { container: 9443, host: 9443, protocol: 'tcp', description: 'Web interface', optional: false },
    { container: 8000, host: 8000, protocol: 'tcp', description: 'Edge agents', optional: true },
  ],
  volumes: [
    { kind: 'data', subPath: 'data', containerPath: '/data', readOnly: false },
    { kind: 'host', hostPath: '/var/run/docker.sock', containerPath: '/var/run/docker.sock', readOnly: false, dockerSocket: true, description: 'The Docker socket' },
  ],
  hostAccess: { ...contained, dockerSocket: true, reason: 'Portainer manages Docker itself.' },
  security: {
    requiresAdmin: true,
    warnings: [{ kind: 'docker-socket', optional: false, subject: '/var/run/docker.sock', message: 'Mounts the Docker socket: it can control every container and is equivalent to root on the host.' }],
  },
});

/** Settings of every kind, DNS on tcp and udp, an optional port and an optional capability. */
export const DNS_APP = makeApp({
  id: 'dns-box',
  name: 'DNS box',
  ports: [
    { container: 53, host: 53, protocol: 'tcp', description: 'DNS', optional: false },
    { container: 53, host: 53, protocol: 'udp', description: 'DNS', optional: false },
    { container: 80, host: 8081, protocol: 'tcp', description: 'Dashboard', optional: false },
    { container: 67, host: 67, protocol: 'udp', description: 'DHCP', optional: true },
  ],
  env: [
    { name: 'ADMIN_USER', label: 'Admin user', required: true, secret: false },
    { name: 'ADMIN_PASSWORD', label: 'Admin password', required: false, secret: true, generate: 'password', description: 'For the dashboard.' },
    { name: 'API_KEY', label: 'API key', required: false, secret: true },
    {
      name: 'MODE',
      label: 'Listening mode',
      required: false,
      secret: false,
      default: 'all',
      options: [
        { value: 'all', label: 'All interfaces' },
        { value: 'local', label: 'Local only' },
      ],
    },
    { name: 'TZ', label: 'Time zone', required: false, secret: false, default: 'Etc/UTC' },
  ],
  hostAccess: { ...contained, capabilities: [{ name: 'NET_ADMIN', optional: true, reason: 'Only for DHCP.' }] },
  security: { requiresAdmin: false, warnings: [{ kind: 'capability', optional: true, subject: 'NET_ADMIN', message: 'Optionally adds the Linux capability NET_ADMIN. Reason: Only for DHCP.' }] },
});

export const TARGETS: InstallTargetView[] = [
  { id: 'srv-nas', name: 'nas', host: '192.168.1.20', prepared: true, detail: null },
  { id: 'srv-pi', name: 'pi', host: '192.168.1.30', prepared: false, detail: 'not prepared yet' },
  { id: 'srv-web', name: 'web', host: 'web.example.com', prepared: true, detail: null },
];

const STEP_TITLES: Partial<Record<InstallStepView['id'], string>> = {
  check: 'Check the server',
  pull: 'Download the image',
  create: 'Create the container',
  start: 'Start the container',
  health: 'Wait until it answers',
};

/** The five install steps with the given states (missing ones `pending`) and details. */
export function progress(states: Partial<Record<InstallStepView['id'], InstallStepView['state']>> = {}, details: Partial<Record<InstallStepView['id'], string>> = {}): InstallStepView[] {
  return (Object.keys(STEP_TITLES) as InstallStepView['id'][]).map((id) => ({ id, title: STEP_TITLES[id]!, state: states[id] ?? 'pending', detail: details[id] ?? null }));
}

export function makeInstallation(overrides: Partial<InstallationView> = {}): InstallationView {
  return {
    id: 'inst-1',
    serverId: SERVER_ID,
    appId: 'uptime-kuma',
    appName: 'Uptime Kuma',
    containerName: 'tomo-uptime-kuma-3f2a1c',
    image: 'louislam/uptime-kuma:2',
    state: 'running',
    stateDetail: null,
    ports: [{ container: 3001, host: 3001, protocol: 'tcp', description: 'Web interface' }],
    settings: {},
    secretSettings: [],
    dataDir: '/srv/tomo/apps/tomo-uptime-kuma-3f2a1c',
    deployment: 'compose',
    projectName: 'tomo-uptime-kuma-3f2a1c',
    services: [{ name: 'app', state: 'running', health: null, detail: null }],
    progress: progress({ check: 'done', pull: 'done', create: 'done', start: 'done', health: 'done' }),
    updates: { installedVersion: '2', images: [{ service: 'uptime-kuma', image: 'louislam/uptime-kuma:2', digest: null }], check: null, last: null, snapshots: [], operation: null },
    error: null,
    url: 'http://192.168.1.20:3001/',
    createdAt: '2025-03-01T10:00:00.000Z',
    updatedAt: '2025-03-01T10:01:00.000Z',
    ...overrides,
  };
}

export function makeStatus(overrides: Partial<CatalogStatusView> = {}): CatalogStatusView {
  return {
    catalogs: [
      { id: 'builtin', label: 'Built-in catalog', kind: 'builtin', precedence: 1, appIds: ['uptime-kuma', 'portainer'], errors: [], warnings: [], skipped: [] },
      {
        id: 'folder:/etc/tomo/apps',
        label: '/etc/tomo/apps',
        kind: 'folder',
        precedence: 3,
        appIds: ['jellyfin'],
        errors: [{ file: '/etc/tomo/apps/broken.yaml', field: 'ports.0.host', message: 'must be 1 to 65535', line: 7 }],
        warnings: [{ file: '/etc/tomo/apps/jellyfin.yaml', field: 'volumes.0.host', message: '"/media" is outside the app data root' }],
        skipped: [],
      },
    ],
    overrides: [],
    loadedAt: '2025-03-01T10:00:00.000Z',
    durationMs: 12,
    ...overrides,
  };
}

/** A route that answers only when the test says so (to see the page while it waits). */
export function held(): { route: () => Promise<FakeReply>; answer: (reply: FakeReply) => Promise<void> } {
  let release: (reply: FakeReply) => void = () => undefined;
  return {
    route: () => new Promise<FakeReply>((r) => (release = r)),
    answer: async (reply) => {
      release(reply);
      await flushPromises();
    },
  };
}

/** Replies in turn to successive calls of one route; the last one repeats. */
export function sequence(...replies: FakeReply[]): () => FakeReply {
  let next = 0;
  return () => replies[Math.min(next++, replies.length - 1)];
}
