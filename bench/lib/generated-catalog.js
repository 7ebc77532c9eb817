'use strict';
// A generated catalog of realistic app definitions (one YAML file each, like an admin's extra
// folder), shared by the catalog benchmarks.
const fs = require('node:fs');
const path = require('node:path');

const WORDS = ['cloud', 'media', 'proxy', 'backup', 'monitor', 'wiki', 'chat', 'photo', 'music', 'code', 'notes', 'mail', 'dns', 'vpn', 'git', 'books'];
const CATEGORIES = ['storage', 'media', 'network', 'monitoring', 'development', 'productivity', 'security', 'home-automation', 'dashboard', 'management', 'communication', 'finance'];

/** One realistic definition (~0.8 KiB): ports, volumes, env in every form, healthcheck, requirements; some with host access. */
function definitionYaml(i) {
  const w = (k) => WORDS[(i * k) % WORDS.length];
  const port = 10000 + i;
  const lines = [
    `id: gen-${w(1)}-${i}`,
    `name: Generated ${w(1)} ${w(3)} ${i}`,
    `description: >-`,
    `  A generated ${w(5)} application, number ${i}, with a ${w(7)} feature and a`,
    `  ${w(11)} integration, used to measure the catalog with realistic definitions.`,
    `category: ${CATEGORIES[i % CATEGORIES.length]}`,
    `tags: [${w(2)}, ${w(13)}, bench]`,
    `version: "1.${i % 40}.${i % 7}"`,
    `website: https://example.com/apps/${i}`,
    `image: registry.example.com/bench/app-${i}:1.${i % 40}.${i % 7}`,
    'ports:',
    `  - container: 8080`,
    `    host: ${port}`,
    '    description: Web interface',
    `  - "${port + 20000 > 65535 ? 1024 + i : port + 20000}:9000/udp"`,
    'volumes:',
    '  - data:/data',
    '  - host: config',
    '    container: /config',
    '    description: Settings',
  ];
  if (i % 10 === 0) lines.push(`  - /srv/bench/${i}:/shared:ro`);
  lines.push(
    'env:',
    '  - TZ=Etc/UTC',
    '  - ADMIN_USER: admin',
    '  - PUBLIC_URL: required',
    '  - name: ADMIN_PASSWORD',
    '    description: Generated at install',
    '    generate: password',
    '  - name: LOG_LEVEL',
    '    default: info',
    '    options: [debug, info, warn, error]',
    'healthcheck:',
    i % 2 ? '  http: /health' : '  tcp: 8080',
    '  timeout: 60s',
    'requirements:',
    `  memory: ${128 * (1 + (i % 8))}M`,
    '  architectures: [amd64, arm64]',
  );
  if (i % 10 === 0 || i % 25 === 0) lines.push('hostAccess:');
  if (i % 10 === 0) lines.push(`  hostPaths: [/srv/bench/${i}]`, '  reason: Shares a host folder');
  if (i % 25 === 0) lines.push('  capabilities: [{ name: NET_ADMIN, optional: true }]');
  return `${lines.join('\n')}\n`;
}

function generateCatalog(dir, count) {
  fs.mkdirSync(dir);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const text = definitionYaml(i);
    bytes += Buffer.byteLength(text);
    fs.writeFileSync(path.join(dir, `${/^id: (\S+)/.exec(text)[1]}.yaml`), text);
  }
  return bytes;
}

module.exports = { definitionYaml, generateCatalog };
