'use strict';
// Generated community app stores, laid out as each project publishes them, for the store
// benchmark (bench/apps-stores.js). One generator per format; a format whose reader Tomo does not
// have yet is simply not in the list the benchmark uses.
const fs = require('node:fs');
const path = require('node:path');

const WORDS = ['cloud', 'media', 'proxy', 'backup', 'monitor', 'wiki', 'chat', 'photo', 'music', 'code', 'notes', 'mail', 'dns', 'vpn', 'git', 'books'];
const CASAOS_CATEGORIES = ['Media', 'Productivity', 'Home', 'Networking', 'AI', 'Finance', 'Social', 'Developer', 'Others', 'Utilities', 'Backup'];

/**
 * A CasaOS app (~1.5 KiB): `Apps/<Name>/docker-compose.yml` with top-level x-casaos metadata in
 * two languages, a web service with described envs, ports and volumes, $AppID/$TZ/$PUID; every
 * third app has a database service it waits for, every tenth a shared /DATA folder (host access).
 */
function casaosApp(dir, i) {
  const w = (k) => WORDS[(i * k) % WORDS.length];
  const name = `gen-${w(1)}-${i}`;
  const port = 10000 + i;
  const lines = [
    `name: ${name}`,
    'services:',
    '  web:',
    `    image: registry.example.com/bench/${name}:1.${i % 40}.${i % 7}`,
    '    restart: unless-stopped',
    '    ports:',
    `      - "${port}:8080"`,
    '    environment:',
    '      TZ: $TZ',
    '      PUID: $PUID',
    `      ADMIN_USER: admin${i}`,
    '      ADMIN_PASSWORD: casaos',
    `      BASE_PATH: /${w(3)}`,
    '    volumes:',
    '      - /DATA/AppData/$AppID/config:/config',
    '      - /DATA/AppData/$AppID/data:/data',
  ];
  if (i % 10 === 0) lines.push(`      - /DATA/Media/${w(5)}:/media:ro`);
  if (i % 3 === 0) lines.push('    depends_on:', '      db:', '        condition: service_healthy');
  lines.push(
    '    x-casaos:',
    '      envs:',
    '        - container: ADMIN_USER',
    '          description:',
    '            en_us: Administrator user name',
    '        - container: ADMIN_PASSWORD',
    '          description:',
    '            en_us: Administrator password',
    '      ports:',
    '        - container: "8080"',
    '          description:',
    '            en_us: Web UI',
    '      volumes:',
    '        - container: /config',
    '          description:',
    '            en_us: Settings',
  );
  if (i % 3 === 0) {
    lines.push(
      '  db:',
      '    image: registry.example.com/bench/postgres:16',
      '    environment:',
      `      POSTGRES_DB: ${name.replace(/-/g, '_')}`,
      '    volumes:',
      '      - /DATA/AppData/$AppID/db:/var/lib/postgresql/data',
      '    healthcheck:',
      '      test: ["CMD", "pg_isready"]',
      '      interval: 10s',
      '      retries: 5',
    );
  }
  lines.push(
    'x-casaos:',
    `  id: bench.tomo.${name}`,
    '  main: web',
    '  index: /',
    `  port_map: "${port}"`,
    '  scheme: http',
    `  icon: https://cdn.example.com/bench/${name}.png`,
    '  title:',
    `    en_us: Generated ${w(1)} ${w(3)} ${i}`,
    `    zh_cn: 生成的应用 ${i}`,
    '  tagline:',
    `    en_us: A generated ${w(5)} app`,
    '  description:',
    `    en_us: A generated ${w(5)} application, number ${i}, with a ${w(7)} feature, used to measure the store import.`,
    '  author: Bench',
    `  developer: ${w(11)} project`,
    `  category: ${CASAOS_CATEGORIES[i % CASAOS_CATEGORIES.length]}`,
    '  architectures: [amd64, arm64]',
    `  version: "1.${i % 40}.${i % 7}"`,
  );
  const appDir = path.join(dir, 'Apps', `Gen${i}`);
  fs.mkdirSync(appDir, { recursive: true });
  const text = `${lines.join('\n')}\n`;
  fs.writeFileSync(path.join(appDir, 'docker-compose.yml'), text);
  return Buffer.byteLength(text);
}

/** Generators by format: (store folder, app number) → bytes written. */
const GENERATORS = { casaos: casaosApp };

/**
 * Writes `count` apps spread over the given formats (one store folder each, `<root>/<format>`),
 * app i going to format i mod n. Returns the stores with their app counts and bytes.
 */
function generateStores(root, formats, count) {
  const stores = formats.map((format) => ({ format, dir: path.join(root, format), apps: 0, bytes: 0 }));
  for (const s of stores) fs.mkdirSync(s.dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const store = stores[i % stores.length];
    store.bytes += GENERATORS[store.format](store.dir, i);
    store.apps += 1;
  }
  return stores;
}

module.exports = { GENERATORS, generateStores };
