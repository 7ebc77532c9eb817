/**
 * Imports an ES module by URL at run time. Its own file so tests can replace it: Jest cannot
 * fetch modules over HTTP. `@vite-ignore` tells Vite this URL is only known at run time.
 */
export function importModule(url: string): Promise<Record<string, unknown>> {
  return import(/* @vite-ignore */ url) as Promise<Record<string, unknown>>;
}
