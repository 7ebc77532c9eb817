import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from 'koa';
import { lazyModule } from '../lazy/lazy-module';
import { PLUGIN_BUNDLE_PREFIX, type UiRegistry } from './ui-registry';

/** Loaded on the first file served: start-up and the API need none of @koa/send's modules. */
const koaSend = lazyModule<typeof import('@koa/send')>(require, '@koa/send');

/**
 * Serves the console: the shell's built files with a fallback to index.html for client-side
 * routes, and each plugin's bundle folder under `/ui/plugins/<id>/`. `@koa/send` confines every
 * path to its root folder.
 */
export class ShellFiles {
  /** `sha256-…` of each inline script in index.html (the import map), for the CSP. */
  readonly inlineScriptHashes: string[] = [];

  constructor(
    private readonly shellDir: string | undefined,
    private readonly ui: UiRegistry,
  ) {
    const index = shellDir ? path.join(shellDir, 'index.html') : undefined;
    if (index && fs.existsSync(index)) {
      const html = fs.readFileSync(index, 'utf8');
      for (const match of html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
        this.inlineScriptHashes.push(`sha256-${createHash('sha256').update(match[1]).digest('base64')}`);
      }
    }
  }

  /** Handles GET/HEAD outside /api and /mcp; returns false when it did not answer. */
  async serve(ctx: Context): Promise<boolean> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return false;
    const { send } = koaSend();
    if (ctx.path.startsWith(`${PLUGIN_BUNDLE_PREFIX}/`)) {
      const [pluginId, ...rest] = ctx.path.slice(PLUGIN_BUNDLE_PREFIX.length + 1).split('/');
      const root = this.ui.bundleDir(pluginId);
      if (!root || rest.length === 0) return false;
      ctx.set('Cache-Control', 'no-cache');
      return Boolean(await send(ctx, rest.join('/'), { root }).catch(() => undefined));
    }
    if (!this.shellDir || !fs.existsSync(path.join(this.shellDir, 'index.html'))) {
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = 'The Tomo console is not built. Run `npm run build` and restart.';
      return true;
    }
    const wantsFile = path.extname(ctx.path) !== '';
    if (wantsFile) {
      const sent = await send(ctx, ctx.path, { root: this.shellDir, immutable: ctx.path.startsWith('/assets/'), maxage: ctx.path.startsWith('/assets/') ? 31536000000 : 0 }).catch(() => undefined);
      return Boolean(sent);
    }
    ctx.set('Cache-Control', 'no-cache');
    await send(ctx, 'index.html', { root: this.shellDir });
    return true;
  }
}
