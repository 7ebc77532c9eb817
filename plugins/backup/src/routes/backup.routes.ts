import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { PassThrough, Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { AppError, badRequest, notFound, type PluginContext } from '@tomo/kernel';
import type { BackupService } from '../api';
import { MIN_PASSWORD_LENGTH } from '../backup-service';

const exportBody = z.strictObject({
  password: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
  includeHistory: z.boolean().default(false),
});

const importBody = z.strictObject({
  password: z.string().min(1, 'is required').max(1024),
  onConflict: z.enum(['skip', 'overwrite']).default('skip'),
});

const uploadParams = z.object({ id: z.uuid('must be an upload id') });

const onConflict = z.enum(['skip', 'overwrite']);
/** What an import did (apply) or would do (preview). */
const importSummarySchema = z.object({
  source: z.object({ tomoVersion: z.string(), createdAt: z.string(), formatVersion: z.number(), includesHistory: z.boolean() }).describe('Where the backup came from'),
  onConflict,
  applied: z.boolean().describe('False for a preview: nothing was written'),
  tables: z.array(
    z.object({
      table: z.string(),
      label: z.string().describe('What the table holds, for people'),
      inBackup: z.number(),
      added: z.number(),
      replaced: z.number(),
      skipped: z.number(),
      absent: z.boolean().optional().describe('The table is not on this instance (its plugin is not installed): its rows are left out'),
    }),
  ),
  conflicts: z.array(z.object({ table: z.string(), what: z.string(), action: onConflict })).describe('Records both hold, the first 500'),
  conflictCount: z.number(),
  catalogs: z.array(z.object({ name: z.string(), files: z.number(), restoredTo: z.string() })).describe('App catalogs restored with the backup'),
});

/** An uploaded backup waits this long for its preview and apply, then is removed. */
const UPLOAD_TTL_MS = 60 * 60 * 1000;

/**
 * Settings → Backup over HTTP, admins only. Export answers with the file itself. Import is in
 * steps so the console can show what will change before anything does: upload the file (kept
 * encrypted, as uploaded), preview with the password, then apply with it. The password travels
 * in JSON bodies (never in a URL or header, which access logs and proxies keep) and is redacted
 * from logs by its field name. Not offered over MCP: a backup is a file with every credential
 * in it, not something to hand to an AI agent, and MCP has no way to carry a file.
 */
export function registerBackupRoutes(ctx: PluginContext, service: BackupService, maxUploadBytes: number): void {
  const uploads = path.join(ctx.pluginDataDir(), 'uploads');
  const uploadFile = (id: string) => path.join(uploads, `${id}.enc`);

  ctx.http.rawRoute({
    method: 'POST',
    path: '/api/backup/export',
    summary: 'Download an encrypted backup of the whole instance (JSON body: password, includeHistory)',
    access: 'admin',
    handler: async (koa, call) => {
      const parsed = exportBody.safeParse((koa.request as { body?: unknown }).body ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw badRequest(issue.path.join('.') || undefined, issue.message);
      }
      // The service writes into `produced`; the client's download (`out`) ends only once the
      // export is over and recorded (the activity log's entry), so whoever has the whole file
      // also finds the entry. Ending with the service's stream would answer before that write.
      const produced = new PassThrough();
      const out = new PassThrough();
      produced.pipe(out, { end: false });
      // A download closed early (Koa destroys the body) fails the export, as when it wrote to `out`.
      out.once('close', () => {
        if (!produced.readableEnded) produced.destroy(new Error('The download was closed before the backup was complete'));
      });
      const name = `tomo-backup-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.enc`;
      koa.set('content-type', 'application/octet-stream');
      koa.set('content-disposition', `attachment; filename="${name}"`);
      koa.set('cache-control', 'no-store');
      koa.body = out;
      // Headers are gone by the time a late failure happens: the download then ends broken, and
      // age's final-chunk check makes sure such a file never imports.
      Promise.all([service.export(produced, { ...parsed.data, call }), finished(produced)]).then(
        () => out.end(),
        (err: unknown) => {
          ctx.logger.error({ err: (err as Error).message }, 'Backup export failed');
          out.destroy(err as Error);
        },
      );
    },
  });

  ctx.http.rawRoute({
    method: 'POST',
    path: '/api/backup/uploads',
    summary: 'Upload a backup file to import (body: the file, application/octet-stream); answers its upload id',
    access: 'admin',
    handler: async (koa) => {
      fs.mkdirSync(uploads, { recursive: true, mode: 0o700 });
      for (const f of fs.readdirSync(uploads)) {
        const p = path.join(uploads, f);
        if (Date.now() - fs.statSync(p).mtimeMs > UPLOAD_TTL_MS) fs.rmSync(p, { force: true });
      }
      const id = randomUUID();
      let size = 0;
      const limit = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > maxUploadBytes) return done(new AppError(413, 'too_large', `The backup is larger than the upload limit (backup.maxUploadMiB); import it with \`tomo import\``, 'file'));
          done(null, chunk);
        },
      });
      try {
        await pipeline(koa.req, limit, fs.createWriteStream(uploadFile(id), { mode: 0o600 }));
      } catch (err) {
        fs.rmSync(uploadFile(id), { force: true });
        throw err;
      }
      if (size === 0) {
        fs.rmSync(uploadFile(id), { force: true });
        throw badRequest('file', 'is empty');
      }
      koa.status = 201;
      koa.body = { id, bytes: size };
    },
  });

  for (const step of ['preview', 'apply'] as const) {
    ctx.http.route({
      method: 'POST',
      path: `/api/backup/uploads/:id/${step}`,
      summary: step === 'preview' ? 'Check an uploaded backup and say what importing it would change (writes nothing)' : 'Import an uploaded backup (checked first, then applied in one transaction)',
      access: 'admin',
      params: uploadParams,
      body: importBody,
      response: z.object({ summary: importSummarySchema }),
      handler: async ({ params, body }, call) => {
        const file = uploadFile(params.id);
        if (!fs.existsSync(file)) throw notFound('Upload');
        const summary = await service.import(() => fs.createReadStream(file), { ...body, apply: step === 'apply', call });
        if (step === 'apply') fs.rmSync(file, { force: true });
        return { summary };
      },
    });
  }
  ctx.http.route({
    method: 'DELETE',
    path: '/api/backup/uploads/:id',
    summary: 'Forget an uploaded backup',
    access: 'admin',
    params: uploadParams,
    handler: ({ params }) => {
      fs.rmSync(uploadFile(params.id), { force: true });
    },
  });
}
