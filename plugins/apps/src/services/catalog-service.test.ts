// The catalog loads after Tomo listens (issue 19, start-up time): nothing is read until the first
// load() or reader, every reader waits for that one load, and nobody sees an empty catalog.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { yamlFolderSource } from '../catalog/catalog-registry';
import { CatalogService } from './catalog-service';

const BUILTIN = path.resolve(__dirname, '..', '..', '..', '..', 'catalog');

function countingLog(): { log: Logger; loads: () => number } {
  const info = jest.fn();
  const log = { info, warn: jest.fn(), error: jest.fn(), debug: jest.fn() } as unknown as Logger;
  return { log, loads: () => info.mock.calls.filter((args) => args[1] === 'Catalog loaded').length };
}

describe('CatalogService first load', () => {
  const definitions = fs.readdirSync(BUILTIN).filter((f) => f.endsWith('.yaml')).length;

  it('reads nothing until asked, then loads once for every reader waiting together', async () => {
    const { log, loads } = countingLog();
    const catalog = new CatalogService([yamlFolderSource({ dir: BUILTIN, kind: 'builtin' })], log);
    expect(loads()).toBe(0);
    const [list, status, app, missing] = await Promise.all([
      catalog.search({}),
      catalog.status(),
      catalog.find('dozzle'),
      catalog.unavailable('no-such-app'),
    ]);
    expect(loads()).toBe(1);
    expect(list.total).toBe(definitions);
    expect(status.catalogs[0].appIds).toContain('dozzle');
    expect(app?.id).toBe('dozzle');
    expect(missing).toBeUndefined();
    await catalog.load();
    await expect(catalog.get('no-such-app')).rejects.toThrow(/no-such-app/);
    expect(loads()).toBe(1);
  });

  it('a reload after the first load reads the sources again', async () => {
    const { log, loads } = countingLog();
    const catalog = new CatalogService([yamlFolderSource({ dir: BUILTIN, kind: 'builtin' })], log);
    await catalog.load();
    const status = await catalog.reload();
    expect(loads()).toBe(2);
    expect(status.catalogs[0].appIds.length).toBe(definitions);
  });
});
