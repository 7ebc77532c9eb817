import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '@tomo/kernel';
import { configuredStoreEntries } from '../extra-catalogs';
import { catalogsExtension } from '../catalogs-extension';
import type { CatalogSource } from '../catalog-types';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomo-stores-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function configError(section: unknown): ConfigError {
  try {
    configuredStoreEntries(section);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('no ConfigError');
}

test('catalog.stores: each store resolved, its id defaulting to the format', () => {
  expect(configuredStoreEntries({ stores: [{ format: 'casaos', dir }, { format: 'casaos', dir, id: 'mine', name: 'My store' }] })).toEqual([
    { format: 'casaos', dir, id: 'casaos' },
    { format: 'casaos', dir, id: 'mine', name: 'My store' },
  ]);
  expect(configuredStoreEntries(undefined)).toEqual([]);
});

test('a store folder that does not exist is a start-up error naming the key', () => {
  const err = configError({ stores: [{ format: 'casaos', dir }, { format: 'runtipi', dir: path.join(dir, 'missing') }] });
  expect(err.key).toBe('catalog.stores.1.dir');
  expect(err.message).toContain('is not an existing folder');
});

test('an unknown format, a bad id and a duplicate id name their key', () => {
  expect(configError({ stores: [{ format: 'yunohost', dir }] }).key).toBe('catalog.stores.0.format');
  expect(configError({ stores: [{ format: 'casaos', dir, id: 'Not Kebab' }] }).key).toBe('catalog.stores.0.id');
  expect(configError({ stores: [{ format: 'casaos', dir }, { format: 'umbrel', dir, id: 'casaos' }] })).toMatchObject({ key: 'catalog.stores.1.id' });
  expect(configError({ stores: [{ format: 'casaos', dir, colour: 'red' }] }).key).toBe('catalog.stores.0');
});

test('addStore of the extension point refuses a format Tomo has no reader for', () => {
  const sources: CatalogSource[] = [];
  expect(() => catalogsExtension(sources).addStore({ format: 'nope' as 'casaos', dir })).toThrow('the nope store format is not supported');
  expect(sources).toEqual([]);
});
