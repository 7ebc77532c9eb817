// Jest transformer for Vue single-file components in the console tests.
//
// Why not @vue/vue3-jest: with TypeScript 6 it emits the compiled template of a
// `<script setup lang="ts">` component as an ES module (it relies on TypeScript's old
// CommonJS default), which Jest cannot run. This does the same job in a few lines: the SFC
// compiler inlines the template into the setup function, and swc strips the types and
// turns the module into CommonJS. Styles are ignored (the console has none in SFCs).
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const { parse, compileScript, compileTemplate, rewriteDefault } = require('@vue/compiler-sfc');
const swc = require('@swc/core');

const ownSource = fs.readFileSync(__filename, 'utf8');

function compile(source, filename) {
  const { descriptor, errors } = parse(source, { filename, sourceMap: false });
  if (errors.length) throw new Error(`${filename}: ${errors.map(String).join('\n')}`);
  const id = createHash('sha256').update(filename).digest('hex').slice(0, 8);
  const lang = descriptor.scriptSetup?.lang ?? descriptor.script?.lang ?? 'js';
  const isTS = lang === 'ts' || lang === 'tsx';

  if (descriptor.scriptSetup) {
    const script = compileScript(descriptor, { id, inlineTemplate: true, isProd: false, sourceMap: false });
    return { code: script.content, isTS };
  }
  // Options-API component (or template only): compile both parts and join them.
  let code = 'const _sfc_main = {};\n';
  let bindings;
  if (descriptor.script) {
    const script = compileScript(descriptor, { id, isProd: false, sourceMap: false });
    code = rewriteDefault(script.content, '_sfc_main', isTS ? ['typescript'] : []);
    bindings = script.bindings;
  }
  if (descriptor.template) {
    const template = compileTemplate({
      id,
      filename,
      source: descriptor.template.content,
      compilerOptions: { bindingMetadata: bindings, isTS },
    });
    if (template.errors.length) throw new Error(`${filename}: ${template.errors.map(String).join('\n')}`);
    code += `\n${template.code}\n_sfc_main.render = render;`;
  }
  code += '\nexport default _sfc_main;\n';
  return { code, isTS };
}

module.exports = {
  process(source, filename) {
    const { code, isTS } = compile(source, filename);
    const out = swc.transformSync(code, {
      filename: `${filename}.${isTS ? 'ts' : 'js'}`,
      jsc: { parser: isTS ? { syntax: 'typescript' } : { syntax: 'ecmascript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    });
    return { code: out.code };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(ownSource).update(filename).update(source).digest('hex');
  },
};
