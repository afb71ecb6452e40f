// A real OpenID provider for the console's OIDC e2e test (oidc-provider, pinned in package.json):
// authorization code with PKCE required, refresh tokens, JWT access tokens carrying the claims
// the API reads (contract §2), short-lived so the test sees a renewal, and its dev login and
// consent screens. The local server cannot verify its tokens: the test checks the console's
// flow (redirect, PKCE, callback, renewal, sign-out), not the API's answers.
//
//   E2E_OIDC_PORT=4010 E2E_CONSOLE_URL=http://127.0.0.1:5173 node e2e/oidc-provider.mjs
import Provider from 'oidc-provider'

const port = Number(process.env.E2E_OIDC_PORT ?? 4010)
const consoleUrl = process.env.E2E_CONSOLE_URL ?? 'http://127.0.0.1:5173'
const issuer = `http://127.0.0.1:${port}`
const api = 'https://api.assetronics.test'
/** Seconds: oidc-client-ts renews a minute before expiry, so about 5 s after sign-in. */
const ACCESS_TOKEN_TTL = 65

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'console',
      token_endpoint_auth_method: 'none',
      redirect_uris: [`${consoleUrl}/auth/callback`],
      post_logout_redirect_uris: [`${consoleUrl}/`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
  ],
  // The console calls the token endpoint from its own origin.
  clientBasedCORS: () => true,
  cookies: { keys: ['e2e-only-cookie-key'] },
  pkce: { required: () => true, methods: ['S256'] },
  claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
  async findAccount(_ctx, id) {
    return { accountId: id, claims: async () => ({ sub: id, email: id, name: 'Olive Operator' }) }
  },
  // Cognito issues a refresh token with every code flow; so does this provider.
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  extraTokenClaims: async (_ctx, token) =>
    token.kind === 'AccessToken'
      ? { tenant: 'demo', role: 'admin', team: null, email: token.accountId }
      : undefined,
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => api,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api',
        accessTokenFormat: 'jwt',
        accessTokenTTL: ACCESS_TOKEN_TTL,
      }),
    },
  },
  ttl: { IdToken: ACCESS_TOKEN_TTL, RefreshToken: 3600, Session: 3600, Grant: 3600 },
})

provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider on ${issuer}`))
