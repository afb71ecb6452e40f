import { expect, test } from './fixtures'

// The console's sign-in through a real OpenID provider (e2e/oidc-provider.mjs, started by the
// run): the authorization-code flow with PKCE, the callback, a renewal with the refresh token
// before the access token expires, and sign-out through the configured logout URL. The local
// server cannot verify this provider's tokens, so the API and the socket are stood in for here
// and the test asserts what the console sends them.
const issuer = `http://127.0.0.1:${process.env.E2E_OIDC_PORT}`

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<
    string,
    unknown
  >
}

test('signs in with the code flow and PKCE, renews the token, signs out at the provider', async ({
  page,
  baseURL,
  allowConsole,
}) => {
  test.setTimeout(60_000)
  // The provider's dev screens are not the console's: they ask for web fonts (offline here).
  allowConsole.push(/ERR_NAME_NOT_RESOLVED/)
  const logoutUrl = `${issuer}/session/end?client_id=console&post_logout_redirect_uri=${encodeURIComponent(`${baseURL}/`)}`
  await page.route('**/config.json', (route) =>
    route.fulfill({
      json: {
        api_base_url: '',
        ws_url: `${baseURL!.replace('http', 'ws')}/ws`,
        auth: {
          mode: 'oidc',
          authority: issuer,
          client_id: 'console',
          scope: 'openid email profile api',
          logout_url: logoutUrl,
        },
      },
    }),
  )
  const apiTokens: string[] = []
  await page.route('**/api/v1/**', (route) => {
    apiTokens.push(route.request().headers().authorization ?? '')
    return route.fulfill({ json: { data: [], meta: { limit: 20, next_cursor: null } } })
  })
  const socketUrls: string[] = []
  await page.routeWebSocket(/\/ws\b/, (ws) => {
    socketUrls.push(ws.url())
  })
  const tokenRequests: string[] = []
  page.on('request', (request) => {
    if (request.url() === `${issuer}/token`) tokenRequests.push(request.postData() ?? '')
  })

  // A deep link signed out goes to the sign-in, then to the provider with a PKCE challenge.
  await page.goto('/tasks')
  await expect(page).toHaveURL(/\/sign-in\?redirect=(%2F|\/)tasks$/)
  const authorize = page.waitForRequest((r) => r.url().startsWith(`${issuer}/auth?`))
  await page.getByRole('button', { name: 'Sign in with single sign-on' }).click()
  const query = new URL((await authorize).url()).searchParams
  expect(query.get('response_type')).toBe('code')
  expect(query.get('client_id')).toBe('console')
  expect(query.get('redirect_uri')).toBe(`${baseURL}/auth/callback`)
  expect(query.get('code_challenge_method')).toBe('S256')
  expect(query.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)

  // The provider's own screens: log in, then consent.
  await page.locator('input[name="login"]').fill('olive@demo.example')
  await page.locator('input[name="password"]').fill('anything')
  await page.getByRole('button', { name: 'Sign-in' }).click()
  await page.getByRole('button', { name: 'Continue' }).click()

  // Back through /auth/callback to where the sign-in started.
  await expect(page).toHaveURL(/\/tasks$/)
  await expect(page.getByRole('heading', { name: 'My tasks' })).toBeVisible()
  await expect(page.getByTestId('user-name')).toHaveText('Olive Operator')
  expect(tokenRequests[0]).toContain('grant_type=authorization_code')
  expect(tokenRequests[0]).toMatch(/code_verifier=[A-Za-z0-9_-]{43}/)
  const first = apiTokens.at(-1)!.replace(/^Bearer /, '')
  expect(claims(first)).toMatchObject({ iss: issuer, email: 'olive@demo.example', role: 'admin' })
  expect(socketUrls.at(-1)).toContain(`token=${first}`)

  // A minute before expiry (5 s after sign-in here) the refresh token buys a new access token,
  // which the next API call carries.
  await expect
    .poll(() => tokenRequests.some((body) => body.includes('grant_type=refresh_token')), {
      timeout: 20_000,
    })
    .toBe(true)
  const stored = () =>
    page.evaluate(
      () =>
        (JSON.parse(sessionStorage.getItem('assetronics.session') ?? '{}') as { token?: string })
          .token,
    )
  await expect.poll(stored, { timeout: 5_000 }).not.toBe(first)
  const renewed = (await stored())!
  expect(claims(renewed).exp).toBeGreaterThan(claims(first).exp as number)
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Workflows' })
    .click()
  await expect(page.getByRole('heading', { name: 'Workflows', exact: true })).toBeVisible()
  await expect.poll(() => apiTokens.at(-1)).toBe(`Bearer ${renewed}`)

  // Sign-out forgets the session and goes through the provider's logout, then back.
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(new RegExp(`^${issuer}/session/end`))
  await page.getByRole('button', { name: 'Yes, sign me out' }).click()
  await expect(page).toHaveURL(/\/sign-in/)
  expect(await stored()).toBeUndefined()
})
