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

const RUNTIPI_CATEGORIES = ['media', 'utilities', 'network', 'development', 'data', 'security', 'automation', 'social', 'finance', 'photography'];
const UMBREL_CATEGORIES = ['files', 'media', 'networking', 'developer', 'automation', 'social', 'finance', 'ai'];

/** Writes an app's files under `appDir`; returns the bytes written. */
function writeApp(appDir, files) {
  let bytes = 0;
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(appDir, name)), { recursive: true });
    fs.writeFileSync(path.join(appDir, name), text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

/**
 * A Runtipi app (~2 KiB): `apps/<id>/config.json` with form fields (text, password, random,
 * boolean, a choice), `docker-compose.yml` with x-runtipi's main service, ${APP_DATA_DIR} and
 * ${TZ}, and `metadata/description.md`; every third app has a database it waits for, every tenth a
 * host folder (host access).
 */
function runtipiApp(dir, i) {
  const w = (k) => WORDS[(i * k) % WORDS.length];
  const id = `gen-${w(1)}-${i}`;
  const env = (k) => `GEN${i}_${k}`;
  const config = {
    name: `Generated ${w(1)} ${w(3)} ${i}`,
    id,
    available: true,
    short_desc: `A generated ${w(5)} app`,
    author: 'bench',
    port: 10000 + i,
    categories: [RUNTIPI_CATEGORIES[i % RUNTIPI_CATEGORIES.length], RUNTIPI_CATEGORIES[(i + 3) % RUNTIPI_CATEGORIES.length]],
    description: `A generated ${w(5)} application, number ${i}.`,
    tipi_version: 1 + (i % 5),
    version: `1.${i % 40}.${i % 7}`,
    source: `https://example.com/bench/${id}`,
    exposable: true,
    supported_architectures: ['amd64', 'arm64'],
    form_fields: [
      { type: 'text', label: 'Admin user', default: 'admin', env_variable: env('USER') },
      { type: 'password', label: 'Admin password', required: true, min: 8, env_variable: env('PASSWORD') },
      { type: 'random', label: 'Secret key', min: 32, encoding: 'hex', env_variable: env('SECRET') },
      { type: 'boolean', label: 'Sign-ups', default: false, env_variable: env('SIGNUPS') },
      { type: 'text', label: 'Log level', options: [{ label: 'Info', value: 'info' }, { label: 'Debug', value: 'debug' }], default: 'info', env_variable: env('LOG') },
    ],
  };
  const compose = [
    'services:',
    `  ${id}:`,
    `    image: registry.example.com/bench/${id}:1.${i % 40}.${i % 7}`,
    '    restart: unless-stopped',
    '    environment:',
    '      TZ: ${TZ}',
    ...['USER', 'PASSWORD', 'SECRET', 'SIGNUPS', 'LOG'].map((k) => `      ${k}: \${${env(k)}}`),
    '    volumes:',
    '      - ${APP_DATA_DIR}/data/config:/config',
    ...(i % 10 === 0 ? [`      - /srv/${w(5)}:/media:ro`] : []),
    ...(i % 3 === 0 ? ['    depends_on:', '      db:', '        condition: service_healthy'] : []),
    '    x-runtipi:',
    '      is_main: true',
    '      internal_port: 8080',
    ...(i % 3 === 0
      ? ['  db:', '    image: registry.example.com/bench/postgres:16', '    environment:', `      POSTGRES_PASSWORD: \${${env('SECRET')}}`, '    volumes:', '      - ${APP_DATA_DIR}/data/db:/var/lib/postgresql/data', '    healthcheck:', '      test: ["CMD", "pg_isready"]', '      interval: 10s', '      retries: 5']
      : []),
    'x-runtipi:',
    '  schema_version: 2',
  ];
  return writeApp(path.join(dir, 'apps', id), {
    'config.json': `${JSON.stringify(config, null, 2)}\n`,
    'docker-compose.yml': `${compose.join('\n')}\n`,
    'metadata/description.md': `## ${config.name}\n\nA generated ${w(5)} application with a ${w(7)} feature, used to measure the store import.\n`,
  });
}

/**
 * An Umbrel app (~1.5 KiB): `<id>/umbrel-app.yml` and `docker-compose.yml` whose app_proxy points at
 * the web service, with $APP_DATA_DIR and $APP_PASSWORD; every third app has a database seeded by
 * $APP_SEED it waits for.
 */
function umbrelApp(dir, i) {
  const w = (k) => WORDS[(i * k) % WORDS.length];
  const id = `gen-${w(1)}-${i}`;
  const manifest = [
    'manifestVersion: 1',
    `id: ${id}`,
    `category: ${UMBREL_CATEGORIES[i % UMBREL_CATEGORIES.length]}`,
    `name: Generated ${w(1)} ${w(3)} ${i}`,
    `version: "1.${i % 40}.${i % 7}"`,
    `tagline: A generated ${w(5)} app`,
    `description: A generated ${w(5)} application, number ${i}, with a ${w(7)} feature, used to measure the store import.`,
    `developer: ${w(11)} project`,
    `website: https://example.com/bench/${id}`,
    'dependencies: []',
    `repo: https://example.com/bench/${id}/source`,
    `support: https://example.com/bench/${id}/support`,
    `port: ${10000 + i}`,
    'gallery: []',
    'path: ""',
    'defaultUsername: admin',
    'deterministicPassword: true',
    'submitter: bench',
    `submission: https://example.com/bench/${id}/pull/1`,
  ];
  const compose = [
    'version: "3.7"',
    'services:',
    '  app_proxy:',
    '    environment:',
    `      APP_HOST: ${id}_web_1`,
    '      APP_PORT: 8080',
    '  web:',
    `    image: registry.example.com/bench/${id}:1.${i % 40}.${i % 7}`,
    '    restart: on-failure',
    '    environment:',
    '      ADMIN_PASSWORD: $APP_PASSWORD',
    `      BASE_PATH: /${w(3)}`,
    '    volumes:',
    '      - ${APP_DATA_DIR}/data:/data',
    ...(i % 3 === 0
      ? ['    depends_on:', '      db:', '        condition: service_healthy', '  db:', '    image: registry.example.com/bench/postgres:16', '    environment:', '      POSTGRES_PASSWORD: ${APP_SEED}', '    volumes:', '      - ${APP_DATA_DIR}/db:/var/lib/postgresql/data', '    healthcheck:', '      test: ["CMD", "pg_isready"]', '      interval: 10s', '      retries: 5']
      : []),
  ];
  return writeApp(path.join(dir, id), { 'umbrel-app.yml': `${manifest.join('\n')}\n`, 'docker-compose.yml': `${compose.join('\n')}\n` });
}

/** Generators by format: (store folder, app number) → bytes written. */
const GENERATORS = { casaos: casaosApp, runtipi: runtipiApp, umbrel: umbrelApp };

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
