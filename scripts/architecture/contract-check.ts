/**
 * The checks behind contracts.test.ts: a plugin's `src/api.ts` is a contract (interfaces, tokens,
 * hook sets, extension points, plain data types), so it exports no class and no entity, reaches
 * no entity through its imports, and sits on no import circle.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** The dependency-cruiser rules; the same file serves `npx depcruise` by hand. */
export const CRUISER_CONFIG = path.join(__dirname, 'dependency-cruiser.cjs');

/** Every `plugins/<id>/src/api.ts` under `root`, relative to it. */
export function contractFiles(root: string): string[] {
  const plugins = path.join(root, 'plugins');
  return fs
    .readdirSync(plugins)
    .map((id) => path.join('plugins', id, 'src', 'api.ts'))
    .filter((file) => fs.existsSync(path.join(root, file)))
    .sort();
}

function compilerOptions(root: string): ts.CompilerOptions {
  const base = ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.base.json'), ts.sys.readFile).config as { compilerOptions: object };
  const { options } = ts.convertCompilerOptionsFromJson(base.compilerOptions, REPO_ROOT);
  return {
    ...options,
    noEmit: true,
    composite: false,
    declaration: false,
    // Workspace packages by their sources (as jest maps them), so a re-export is followed into the file that declares it.
    pathsBasePath: root,
    paths: { '@tomo/kernel': [path.join(REPO_ROOT, 'kernel', 'src', 'index.ts')], '@tomo/plugin-*/api': ['plugins/*/src/api.ts'] },
  };
}

const isEntity = (decl: ts.Declaration): boolean =>
  decl.getSourceFile().fileName.endsWith('.entity.ts') ||
  (ts.isClassDeclaration(decl) && (ts.getDecorators(decl) ?? []).some((d) => /^Entity\b/.test(d.expression.getText())));

/**
 * What each contract exports that is an implementation: a class (declared there or re-exported,
 * `export type { X }` included) or a TypeORM entity. Re-exports are resolved with the compiler, so
 * `export *` and aliases cannot hide one. One line per finding, e.g.
 * `plugins/apps/src/api.ts exports class AppsService (plugins/apps/src/services/apps-service.ts)`.
 */
export function exportedImplementations(root: string, files = contractFiles(root)): string[] {
  const program = ts.createProgram(
    files.map((f) => path.join(root, f)),
    compilerOptions(root),
  );
  const checker = program.getTypeChecker();
  const found: string[] = [];
  for (const file of files) {
    const source = program.getSourceFile(path.join(root, file));
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) continue;
    for (const exported of checker.getExportsOfModule(module)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = target.declarations ?? [];
      const where = declarations[0] ? path.relative(root, declarations[0].getSourceFile().fileName) : '?';
      if (declarations.some(isEntity)) found.push(`${file} exports entity ${exported.name} (${where})`);
      else if (target.flags & ts.SymbolFlags.Class) found.push(`${file} exports class ${exported.name} (${where})`);
    }
  }
  return found;
}

interface CruiseViolation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: Array<{ name: string } | string>;
  via?: Array<{ name: string } | string>;
}

/**
 * dependency-cruiser's findings for the plugin sources under `root` (see dependency-cruiser.cjs):
 * a circle through an api.ts, or an entity (or TypeORM itself) reachable from one. One line per
 * finding: `<rule>: <from> → <to> [via …]`.
 */
export function importGraphViolations(root: string): string[] {
  const sources = fs
    .readdirSync(path.join(root, 'plugins'))
    .map((id) => path.join('plugins', id, 'src'))
    .filter((dir) => fs.existsSync(path.join(root, dir)));
  const bin = path.join(REPO_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const run = spawnSync(process.execPath, [bin, ...sources, '--config', CRUISER_CONFIG, '--output-type', 'json'], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (!run.stdout) throw new Error(`dependency-cruiser printed nothing (exit ${run.status}): ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { summary: { violations: CruiseViolation[] } };
  const names = (steps: CruiseViolation['cycle']) => (steps ?? []).map((s) => (typeof s === 'string' ? s : s.name)).join(' → ');
  return result.summary.violations
    .map((v) => {
      const path = names(v.cycle) || names(v.via);
      return `${v.rule.name}: ${v.from} → ${v.to}${path ? ` [via ${path}]` : ''}`;
    })
    .sort();
}
