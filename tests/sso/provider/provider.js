// A real OpenID Connect provider for the SSO tests (oidc-provider 9), on loopback only.
// Usage: node provider.js <config.json>. The config names the port, the client's redirect URIs and the accounts:
// {"port": 9797, "redirect_uris": [...], "accounts": {"<sub>": {"email": ..., "email_verified": true}}}
// It also serves /test/other-jwks: public keys with the same key id as the provider's own but another key, so a
// test can point the portal at them and see an ID token the provider signed refused.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

function signingKey() {
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: 'k1', use: 'sig', alg: 'RS256' };
}
const publicPart = ({ kty, n, e, kid, use, alg }) => ({ kty, n, e, kid, use, alg });
const otherKeys = { keys: [publicPart(signingKey())] };

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'portal-client',
    client_secret: config.client_secret,
    redirect_uris: config.redirect_uris,
    post_logout_redirect_uris: config.post_logout_redirect_uris || [],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  findAccount: async (ctx, id) => config.accounts[id] && {
    accountId: id,
    claims: async () => ({ sub: id, ...config.accounts[id] }),
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'] },
  conformIdTokenClaims: false,
  jwks: { keys: [signingKey()] },
  cookies: { keys: ['portal-test-cookie-key'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
});
provider.proxy = false;

const handler = provider.callback();
http.createServer((req, res) => {
  if (req.url === '/test/other-jwks') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(otherKeys));
    return;
  }
  handler(req, res);
}).listen(config.port, '127.0.0.1', () => console.log(`provider ready at ${issuer}`));
