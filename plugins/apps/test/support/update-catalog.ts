import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const registry = require('../../../../scripts/testbed/registry.js') as {
  imageRef(name: string, tag: string): string;
  pushImage(name: string, tag: string, variant: string, opts?: { from?: string }): Promise<{ ref: string; digest: string }>;
  registryDigest(name: string, tag: string): Promise<string | null>;
};
export { registry };

/**
 * A catalog folder of its own holding one app on the test bed registry's `webapp` image, rewritten
 * by a test to "release" another version (then `POST /api/apps/catalogs/reload`). The app keeps
 * its visit count in /data (its data volume), so a test can see the data survive an update.
 */
export class UpdateCatalog {
  readonly dir: string;

  /** `dir`: a catalog folder to share with other apps (default: a new one). */
  constructor(
    readonly appId: string,
    private readonly port: number,
    dir?: string,
  ) {
    this.dir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-update-catalog-'));
  }

  /** Writes the definition for `tag` of tomo-test/webapp as catalog version `version`. */
  release(version: string, tag: string): string {
    const image = registry.imageRef('webapp', tag);
    fs.writeFileSync(
      path.join(this.dir, `${this.appId}.yaml`),
      [
        `id: ${this.appId}`,
        'name: Update Webapp',
        'description: The test bed registry web app, released in versions (update tests).',
        'category: testing',
        'tags: [test]',
        `version: "${version}"`,
        `image: ${image}`,
        'ports:',
        '  - container: 8080',
        `    host: ${this.port}`,
        '    description: Web interface',
        'volumes:',
        '  - data:/data',
        'env:',
        '  - name: APP_SECRET',
        '    generate: password',
        'healthcheck:',
        '  http: /health',
        '  timeout: 8s',
        '  interval: 1s',
        'restart: unless-stopped',
        '',
      ].join('\n'),
    );
    return image;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** GET a path of the app on this machine: the body, or null when nothing answers. */
export async function getText(port: number, urlPath: string): Promise<string | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, { signal: AbortSignal.timeout(3000) });
    return await res.text();
  } catch {
    return null;
  }
}
