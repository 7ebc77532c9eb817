import { writePluginPackage } from './temp-dir';

/** The entry module of the fixture's console panel (an ES module the shell would import). */
export const FIXTURE_UI_ENTRY = `export const NotesPage = { name: 'NotesPage', render: () => 'notes' };
export const CountWidget = { name: 'CountWidget', render: () => '0' };
`;

/**
 * `fixture-notes`, written as a third party ships a plugin: plain CommonJS, a package.json that
 * declares it, `require('@tomo/kernel')`, `require('typeorm')` and `require('zod')` with no
 * node_modules of its own (the host's copies are used), an EntitySchema entity, a migration
 * class, a route, a prefixed MCP tool and a console panel in `ui/`.
 */
export function writeFixtureNotesPackage(parent: string, folder = 'fixture-notes'): string {
  return writePluginPackage(
    parent,
    folder,
    { name: '@acme/tomo-fixture-notes', plugin: 'fixture-notes' },
    `'use strict';
const path = require('node:path');
const { definePlugin } = require('@tomo/kernel');
const { EntitySchema, Table } = require('typeorm');
const { z } = require('zod');

const FixtureNote = new EntitySchema({
  name: 'FixtureNote',
  tableName: 'fixture_notes',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    text: { type: 'varchar', length: 200 },
  },
});

class FixtureNotesInitial1800000000000 {
  constructor() {
    this.name = 'FixtureNotesInitial1800000000000';
  }
  async up(q) {
    // The Table API, not raw DDL, so the same migration runs on SQLite and PostgreSQL.
    await q.createTable(
      new Table({
        name: 'fixture_notes',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'text', type: 'varchar', length: '200' },
        ],
      }),
    );
  }
  async down(q) {
    await q.dropTable('fixture_notes');
  }
}

module.exports = definePlugin({
  id: 'fixture-notes',
  version: '1.2.3',
  description: 'Notes, shipped as a third-party package',
  entities: [FixtureNote],
  migrations: [FixtureNotesInitial1800000000000],
  ui: {
    bundleDir: path.join(__dirname, 'ui'),
    entry: 'index.js',
    routes: [
      { path: '/fixture-notes', component: 'NotesPage', title: 'Notes' },
      { path: '/fixture-notes/settings', component: 'NotesPage', title: 'Note settings', access: 'admin' },
    ],
    nav: [
      { label: 'Notes', path: '/fixture-notes', icon: 'note', order: 50 },
      { label: 'Note settings', path: '/fixture-notes/settings', access: 'admin' },
    ],
    widgets: [{ id: 'fixture-notes-count', component: 'CountWidget', title: 'Notes', order: 5 }],
  },
  init(ctx) {
    const notes = () => ctx.dataSource.getRepository('FixtureNote');
    ctx.http.route({
      method: 'POST',
      path: '/api/fixture-notes',
      summary: 'Add a note',
      access: 'authenticated',
      body: z.object({ text: z.string().min(1).max(200) }),
      successStatus: 201,
      response: z.object({ id: z.number(), text: z.string() }),
      handler: ({ body }) => notes().save({ text: body.text }),
    });
    ctx.http.route({
      method: 'GET',
      path: '/api/fixture-notes',
      summary: 'List notes',
      access: 'authenticated',
      response: z.array(z.object({ id: z.number(), text: z.string() })),
      handler: () => notes().find({ order: { id: 'ASC' } }),
    });
    ctx.mcp.tool({
      name: 'fixture_notes_add',
      description: 'Adds a note and returns it.',
      access: 'authenticated',
      input: z.object({ text: z.string().min(1).max(200) }),
      handler: ({ text }) => notes().save({ text }),
    });
  },
});
`,
    { 'ui/index.js': FIXTURE_UI_ENTRY, 'ui/style.css': '.notes { color: teal; }\n', 'README.md': '# fixture-notes\n' },
  );
}
