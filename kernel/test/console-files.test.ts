import { createHash } from 'node:crypto';
import { startTestKernel, type TestKernel } from '@tomo/kernel/testing';
import { makeTempDir, removeTempDirs, writeFiles } from './support/temp-dir';

afterAll(removeTempDirs);

const IMPORT_MAP = '{"imports":{"vue":"/assets/vue.js","pinia":"/assets/pinia.js"}}';
const SECOND_INLINE = "\n  window.__TOMO__ = 1;\n";
const INDEX_HTML = `<!doctype html>
<html>
<head>
  <script type="importmap">${IMPORT_MAP}</script>
  <script type="module" crossorigin src="/assets/index-abc123.js"></script>
  <script>${SECOND_INLINE}</script>
</head>
<body><div id="app"></div></body>
</html>
`;
const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

describe('without a built console', () => {
  let t: TestKernel;
  beforeAll(async () => {
    t = await startTestKernel({ uiShellDir: makeTempDir() }); // a folder without index.html
  });
  afterAll(() => t.stop());

  test.each(['/', '/servers/42', '/assets/index.js'])('GET %s answers 503 saying how to build it', async (p) => {
    const res = await fetch(`${t.url}${p}`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('The Tomo console is not built. Run `npm run build` and restart.');
  });

  test('API routes and /health are unaffected; other methods are not answered by the fallback', async () => {
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    expect((await fetch(`${t.url}/api/nothing`)).status).toBe(404);
    expect((await fetch(`${t.url}/somewhere`, { method: 'POST' })).status).toBe(404);
  });

  test('with no shell folder configured at all, the same 503', async () => {
    const bare = await startTestKernel();
    try {
      expect((await fetch(`${bare.url}/`)).status).toBe(503);
    } finally {
      await bare.stop();
    }
  });
});

describe('with a built console', () => {
  let t: TestKernel;
  beforeAll(async () => {
    const shellDir = makeTempDir();
    writeFiles(shellDir, {
      'index.html': INDEX_HTML,
      'assets/index-abc123.js': 'console.log("app");\n',
      'robots.txt': 'User-agent: *\nDisallow: /\n',
    });
    t = await startTestKernel({ uiShellDir: shellDir });
  });
  afterAll(() => t.stop());

  test('/ serves index.html, not cached', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(INDEX_HTML);
  });

  test('client-side routes (no file extension) fall back to index.html', async () => {
    const res = await fetch(`${t.url}/servers/42/apps`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(INDEX_HTML);
  });

  test("the CSP allows exactly the inline scripts' sha256 hashes (the import map), not external ones", async () => {
    const csp = (await fetch(`${t.url}/`)).headers.get('content-security-policy')!;
    const scriptSrc = csp.split('; ').find((d) => d.startsWith('script-src '))!;
    expect(scriptSrc).toBe(`script-src 'self' ${sha256(IMPORT_MAP)} ${sha256(SECOND_INLINE)}`);
    // Every response carries it, API included.
    expect((await fetch(`${t.url}/health`)).headers.get('content-security-policy')).toBe(csp);
  });

  test('hashed assets are served with a long immutable cache; other files without', async () => {
    const asset = await fetch(`${t.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('max-age=31536000,immutable');
    expect(await asset.text()).toBe('console.log("app");\n');
    const robots = await fetch(`${t.url}/robots.txt`);
    expect(robots.status).toBe(200);
    expect(robots.headers.get('cache-control')).toBe('max-age=0');
  });

  test('a missing file is 404, not index.html; nothing outside the folder is served', async () => {
    expect((await fetch(`${t.url}/assets/missing.js`)).status).toBe(404);
    // Either refused, or (no extension: a client-side route) index.html; never the file itself.
    for (const p of ['/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2f..%2fetc/hostname', '/..%2f..%2f..%2fetc%2fhost.conf']) {
      const res = await fetch(`${t.url}${p}`);
      const body = await res.text();
      if (res.status === 200) expect(body).toBe(INDEX_HTML);
      else expect(res.status).toBe(404);
    }
  });

  test('HEAD works like GET without a body', async () => {
    const res = await fetch(`${t.url}/`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});
