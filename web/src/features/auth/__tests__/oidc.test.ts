import { describe, expect, it, vi } from 'vitest'
import type { User } from 'oidc-client-ts'
import { createOidcAuth, oidcSettings, type UserManagerLike } from '../oidc'

type Listener = (user: User) => void

/** A stand-in for oidc-client-ts's UserManager that records calls and fires its events. */
function fakeManager(endSession: string | null = null) {
  const loaded: Listener[] = []
  const ended: (() => void)[] = []
  const stored = { access_token: 'old', id_token: 'id-1', profile: {}, state: undefined }
  const manager = {
    signinRedirect: vi.fn(async () => {}),
    signinRedirectCallback: vi.fn(
      async () =>
        ({
          access_token: 'access-1',
          profile: { given_name: 'Alex', family_name: 'Admin' },
          state: { returnTo: '/tasks?overdue=true' },
        }) as unknown as User,
    ),
    getUser: vi.fn(async () => stored as unknown as User),
    removeUser: vi.fn(async () => {}),
    signoutRedirect: vi.fn(async () => {}),
    events: {
      addUserLoaded: (cb: Listener) => (
        loaded.push(cb),
        () => loaded.splice(loaded.indexOf(cb), 1)
      ),
      addSilentRenewError: (cb: () => void) => (ended.push(cb), () => {}),
      addAccessTokenExpired: (cb: () => void) => (ended.push(cb), () => {}),
    },
    metadataService: { getEndSessionEndpoint: vi.fn(async () => endSession ?? undefined) },
  }
  return { manager: manager as unknown as UserManagerLike & typeof manager, loaded, ended }
}

const settings = { authority: 'https://idp.example', client_id: 'console' }

describe('oidcSettings', () => {
  it('asks for the code flow back to /auth/callback, renewing a minute before expiry', () => {
    const s = oidcSettings(settings, 'https://console.example')
    expect(s.response_type).toBe('code')
    expect(s.redirect_uri).toBe('https://console.example/auth/callback')
    expect(s.post_logout_redirect_uri).toBe('https://console.example/')
    expect(s.scope).toBe('openid email profile')
    expect(s.automaticSilentRenew).toBe(true)
    expect(s.accessTokenExpiringNotificationTimeInSeconds).toBe(60)
    expect(oidcSettings({ ...settings, scope: 'openid' }, 'x').scope).toBe('openid')
  })
})

describe('the OIDC sign-in', () => {
  it('keeps where the sign-in started, and never leaves the console for it', async () => {
    const { manager } = fakeManager()
    const auth = createOidcAuth(settings, 'https://c', manager)
    await auth.startSignIn('/workflows/w1')
    await auth.startSignIn('//evil.example/x')
    expect(manager.signinRedirect.mock.calls).toEqual([
      [{ state: { returnTo: '/workflows/w1' } }],
      [{ state: { returnTo: '/workflows' } }],
    ])
  })

  it('completes the callback with the access token, the name and the return path', async () => {
    const { manager } = fakeManager()
    const auth = createOidcAuth(settings, 'https://c', manager)
    expect(await auth.completeSignIn('https://c/auth/callback?code=x&state=y')).toEqual({
      token: 'access-1',
      name: 'Alex Admin',
      returnTo: '/tasks?overdue=true',
    })
    expect(manager.signinRedirectCallback).toHaveBeenCalledWith(
      'https://c/auth/callback?code=x&state=y',
    )
  })

  it('hands on each renewed token, and ends the session when renewal fails', async () => {
    const { manager, loaded, ended } = fakeManager()
    const auth = createOidcAuth(settings, 'https://c', manager)
    const onToken = vi.fn()
    const onEnded = vi.fn()
    const stop = auth.keepFresh({ onToken, onEnded })
    expect(manager.getUser).toHaveBeenCalled()
    loaded.forEach((cb) => cb({ access_token: 'access-2', profile: { name: 'A' } } as User))
    expect(onToken).toHaveBeenCalledWith({ token: 'access-2', name: 'A' })
    ended[0]!()
    expect(onEnded).toHaveBeenCalledTimes(1)
    stop()
    expect(loaded).toHaveLength(0)
  })

  it('signs out through logout_url when the config names one', async () => {
    const { manager } = fakeManager('https://idp.example/end')
    const navigate = vi.fn()
    const logout = 'https://auth.example/logout?client_id=console&logout_uri=https://c/'
    await createOidcAuth(
      { ...settings, logout_url: logout },
      'https://c',
      manager,
      navigate,
    ).signOut()
    expect(manager.removeUser).toHaveBeenCalled()
    expect(navigate).toHaveBeenCalledWith(logout)
    expect(manager.signoutRedirect).not.toHaveBeenCalled()
  })

  it('else through the provider’s end_session_endpoint, else only here', async () => {
    const withEnd = fakeManager('https://idp.example/end')
    await createOidcAuth(settings, 'https://c', withEnd.manager, vi.fn()).signOut()
    expect(withEnd.manager.signoutRedirect).toHaveBeenCalledWith({ id_token_hint: 'id-1' })

    const without = fakeManager(null)
    await createOidcAuth(settings, 'https://c', without.manager, vi.fn()).signOut()
    expect(without.manager.removeUser).toHaveBeenCalled()
    expect(without.manager.signoutRedirect).not.toHaveBeenCalled()
  })
})
