import { Column, Entity, PrimaryGeneratedColumn, Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { z } from 'zod';
import { definePlugin, ownerScope, requireOwned } from '@tomo/kernel';
import type { TestKernel } from '@tomo/kernel/testing';

/** A row of the throwaway `test-notes` plugin. */
@Entity({ name: 'test_notes' })
export class TestNoteEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100 })
  title: string;

  @Column({ type: 'integer' })
  priority: number;

  @Column({ type: 'varchar', length: 36 })
  ownerId: string;
}

export class TestNotesInitial1700000000001 implements MigrationInterface {
  name = 'TestNotesInitial1700000000001';

  async up(q: QueryRunner): Promise<void> {
    // The Table API, not raw DDL: an auto-increment key is AUTOINCREMENT on SQLite, SERIAL on PostgreSQL.
    await q.createTable(
      new Table({
        name: 'test_notes',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'title', type: 'varchar', length: '100' },
          { name: 'priority', type: 'integer' },
          { name: 'ownerId', type: 'varchar', length: '36' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('test_notes');
  }
}

/** No ASCII control characters (a title is shown in logs and the console). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;

export const noteBody = z.object({
  title: z.string().min(1).max(100).regex(NO_CONTROL_CHARS, 'must not contain control characters'),
  priority: z.number().int().min(0).max(5),
});

const noteSchema = z.object({ id: z.number(), title: z.string(), priority: z.number(), ownerId: z.string() });

/**
 * A throwaway plugin with an entity, a migration and CRUD-ish routes that write rows, so tests
 * can prove bad input never reaches the database.
 */
export const testNotesPlugin = definePlugin({
  id: 'test-notes',
  entities: [TestNoteEntity],
  migrations: [TestNotesInitial1700000000001],
  init(ctx) {
    const repo = () => ctx.dataSource.getRepository(TestNoteEntity);
    ctx.http.route({
      method: 'POST',
      path: '/api/notes',
      summary: 'Add a note',
      access: 'authenticated',
      body: noteBody,
      successStatus: 201,
      response: noteSchema,
      handler: async ({ body }, call) => repo().save(repo().create({ ...body, ownerId: call.principal.id })),
    });
    ctx.http.route({
      method: 'GET',
      path: '/api/notes',
      summary: 'List the notes the caller may see',
      access: 'authenticated',
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).optional() }),
      response: z.array(noteSchema),
      handler: async ({ query }, call) => repo().find({ where: { ...ownerScope(call.principal) }, order: { id: 'ASC' }, take: query.limit }),
    });
    ctx.http.route({
      method: 'GET',
      path: '/api/notes/:id',
      summary: 'One note',
      access: 'authenticated',
      params: z.object({ id: z.coerce.number().int().positive() }),
      response: noteSchema,
      handler: async ({ params }, call) => requireOwned(call.principal, await repo().findOneBy({ id: params.id }), 'Note'),
    });
    ctx.http.route({
      method: 'DELETE',
      path: '/api/notes/:id',
      summary: 'Delete a note (admin only)',
      access: 'admin',
      params: z.object({ id: z.coerce.number().int().positive() }),
      handler: async ({ params }) => {
        await repo().delete({ id: params.id });
      },
    });
  },
});

/** Rows in `test_notes`, read straight from the kernel's DataSource. */
export async function countNotes(t: TestKernel): Promise<number> {
  const [row] = (await t.kernel.dataSource.query('SELECT COUNT(*) AS n FROM "test_notes"')) as Array<{ n: number }>;
  return Number(row.n);
}
