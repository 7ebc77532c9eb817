// The configuration schemas of the built Tomo (the kernel's and each built-in plugin's), for
// the docs tests: every key must be in the admin guide, and its full example must hold every key
// at its default. Run after `npm run build`:
//
//   node scripts/docs/config-schemas.js      # prints { keys, defaults } as JSON
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/** `[{ section, schema }]`: the kernel's keys (section '') and each plugin's section. */
function configSchemas() {
  const kernelFile = path.join(ROOT, 'kernel', 'dist', 'config', 'config-schema.js');
  if (!fs.existsSync(kernelFile)) throw new Error('kernel/dist is missing: run `npm run build` first');
  const out = [{ section: '', schema: require(kernelFile).kernelConfigSchema }];
  for (const dir of fs.readdirSync(path.join(ROOT, 'plugins')).sort()) {
    const pkgFile = path.join(ROOT, 'plugins', dir, 'package.json');
    if (!fs.existsSync(pkgFile)) continue;
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    if (!pkg.tomo) continue;
    const exported = require(path.join(ROOT, 'plugins', dir));
    const values = new Set([exported, ...Object.values(exported), ...Object.values(exported.default || {})]);
    for (const def of values) {
      if (def && def.kind === 'tomo.plugin' && def.config) out.push({ section: def.id, schema: def.config });
    }
  }
  return out;
}

/** Dotted leaf keys (`server.port`, `auth.throttle.perClient.attempts`) and their defaults. */
function describeConfig() {
  const { z } = require('zod');
  const keys = [];
  const defaults = {};
  const walk = (json, parsed, prefix) => {
    for (const [name, prop] of Object.entries(json.properties || {})) {
      const inner = (prop.anyOf || []).find((s) => s.type === 'object') || prop;
      const value = parsed === undefined ? undefined : parsed[name];
      if (inner.type === 'object' && inner.properties) walk(inner, value, `${prefix}${name}.`);
      else {
        keys.push(`${prefix}${name}`);
        defaults[`${prefix}${name}`] = value;
      }
    }
  };
  for (const { section, schema } of configSchemas()) {
    walk(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), schema.parse({}), section ? `${section}.` : '');
  }
  return { keys, defaults };
}

if (require.main === module) process.stdout.write(`${JSON.stringify(describeConfig(), null, 2)}\n`);

module.exports = { configSchemas, describeConfig };
