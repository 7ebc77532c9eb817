import { TableRegistry } from './table-registry';

const files = { id: 'x.files', locations: () => [] };

test('tables come parents first, whatever order the modules added them in; free ones by name', () => {
  const orders = [
    ['tokens', 'users', 'notes', 'servers', 'logs'],
    ['logs', 'servers', 'notes', 'users', 'tokens'],
  ].map((adding) => {
    const registry = new TableRegistry();
    const specs = {
      users: { table: 'users', label: 'users' },
      tokens: { table: 'tokens', label: 'tokens', owner: { column: 'userId', table: 'users' } },
      servers: { table: 'servers', label: 'servers', refs: { ownerId: 'users' } },
      logs: { table: 'logs', label: 'logs', owner: { column: 'serverId', table: 'servers' }, refs: { by: 'users' } },
      // A reference to itself (a tree of notes) is no ordering constraint.
      notes: { table: 'notes', label: 'notes', refs: { parentId: 'notes', serverId: 'servers' } },
    } as const;
    for (const name of adding) registry.addTable(specs[name as keyof typeof specs]);
    return registry.resolve().specs.map((s) => s.table);
  });
  expect(orders[0]).toEqual(['users', 'servers', 'logs', 'notes', 'tokens']);
  expect(orders[1]).toEqual(orders[0]);
});

test('a spec naming a table nobody declares is refused, naming both tables and the column', () => {
  const registry = new TableRegistry();
  registry.addTable({ table: 'alpine_mirrors', label: 'mirrors', refs: { serverId: 'servers' } });
  expect(() => registry.resolve()).toThrow('Backup table "alpine_mirrors" refers to table "servers" (serverId), which no plugin declares for backups');

  const owned = new TableRegistry();
  owned.addTable({ table: 'tokens', label: 'tokens', owner: { column: 'userId', table: 'users' } });
  expect(() => owned.resolve()).toThrow('Backup table "tokens" refers to table "users" (userId), which no plugin declares for backups');

  // A table left out on purpose is no parent either: its rows are not in the backup to point at.
  const leftOut = new TableRegistry();
  leftOut.leaveOut('users', 'not carried');
  leftOut.addTable({ table: 'tokens', label: 'tokens', refs: { userId: 'users' } });
  expect(() => leftOut.resolve()).toThrow('Backup table "tokens" refers to table "users" (userId)');
});

test('deleteOnReplace may name a table left out on purpose, not an unknown one', () => {
  const registry = new TableRegistry();
  registry.addTable({ table: 'users', label: 'users', deleteOnReplace: [{ table: 'sessions', column: 'userId' }] });
  expect(() => registry.resolve()).toThrow('Backup table "users" clears table "sessions" (userId) on replace, which no plugin declares for backups');
  registry.leaveOut('sessions', 'bound to the signing key');
  const declared = registry.resolve();
  expect(declared.specs.map((s) => s.table)).toEqual(['users']);
  expect(declared.leftOut).toEqual(new Map([['sessions', 'bound to the signing key']]));
});

test('a table declared twice (added or left out), a nameless one, and files added twice are refused', () => {
  const registry = new TableRegistry();
  registry.addTable({ table: 'users', label: 'users' });
  expect(() => registry.addTable({ table: 'users', label: 'people' })).toThrow('Backup table "users" is declared twice');
  expect(() => registry.leaveOut('users', 'no')).toThrow('Backup table "users" is declared twice');
  expect(() => registry.addTable({ table: '', label: 'nothing' })).toThrow('A backup table needs a name');
  registry.addFiles(files);
  expect(() => registry.addFiles(files)).toThrow('Backup files "x.files" are added twice');
  expect(registry.resolve().files).toEqual([files]);
});

test('tables pointing at each other in a circle are refused by name', () => {
  const registry = new TableRegistry();
  registry.addTable({ table: 'a', label: 'a', refs: { bId: 'b' } });
  registry.addTable({ table: 'b', label: 'b', refs: { aId: 'a' } });
  registry.addTable({ table: 'c', label: 'c' });
  expect(() => registry.resolve()).toThrow('Backup tables refer to each other in a circle: a, b');
});
