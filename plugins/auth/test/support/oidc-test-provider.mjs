// A real OpenID provider for the tests: the certified `oidc-provider` package, one confidential
// client and the accounts given in OIDC_TEST_ACCOUNTS. Runs as its own Node process (the package
// is ES modules only, which jest's CommonJS module system does not load) and prints
// `ready <issuer>` once it listens. Its login page is a one-field form: the account id to sign in
// as (the test, or Chromium, types it); consent is granted with the login.
/* global process, URLSearchParams */
import http from 'node:http';
import Provider from 'oidc-provider';

const accounts = JSON.parse(process.env.OIDC_TEST_ACCOUNTS ?? '{}');
const server = http.createServer();
await new Promise((resolve) => server.listen(Number(process.env.OIDC_TEST_PORT ?? 0), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_TEST_CLIENT_ID,
      client_secret: process.env.OIDC_TEST_CLIENT_SECRET,
      redirect_uris: JSON.parse(process.env.OIDC_TEST_REDIRECT_URIS),
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username', 'name'], groups: ['groups'] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  cookies: { keys: ['oidc-test-provider-cookie-key'] },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: () => ({ sub: id, ...account }) };
  },
});
// Loopback HTTP in the test: no TLS in front of it.
provider.proxy = false;

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const oidc = provider.callback();
server.on('request', async (req, res) => {
  const match = /^\/interaction\/([^/?]+)/.exec(req.url);
  if (!match) return oidc(req, res);
  try {
    if (req.method === 'GET') {
      await provider.interactionDetails(req, res);
      res.setHeader('content-type', 'text/html');
      // No favicon: a browser would ask for /favicon.ico, which the provider answers 404 (a console error in e2e tests).
      res.end(`<!doctype html><title>Test provider</title><link rel="icon" href="data:,"><form method="post" action="/interaction/${match[1]}"><label>Account <input name="login" autofocus></label><button type="submit">Sign in</button></form>`);
      return;
    }
    const details = await provider.interactionDetails(req, res);
    const login = (await readForm(req)).get('login');
    if (!accounts[login]) {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'unknown account' });
      return;
    }
    const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
    grant.addOIDCScope(String(details.params.scope));
    await provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: false });
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err));
  }
});

process.stdout.write(`ready ${issuer}\n`);
