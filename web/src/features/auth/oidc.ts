// Sign-in through an OpenID provider (contract §11, §12): the authorization-code flow with PKCE
// (oidc-client-ts), tokens renewed before they expire (with the refresh token, which Cognito
// issues with the code flow), sign-out through the provider. The API gets the access token,
// which carries the tenant, role, team and email claims (§2).
import {
  UserManager,
  WebStorageStateStore,
  type User,
  type UserManagerSettings,
} from 'oidc-client-ts'

type OidcSettings = {
  authority: string
  client_id: string
  scope?: string
  logout_url?: string
}

/** The console's routes the provider sends the browser back to. */
export const CALLBACK_PATH = '/auth/callback'

export interface SignedIn {
  /** The access token, for the API and the WebSocket. */
  token: string
  /** The person's name from the ID token, when it has one. */
  name?: string
  /** The console path the sign-in started from. */
  returnTo: string
}

export interface FreshnessHandlers {
  /** A renewed access token (before the old one expired). */
  onToken(signedIn: Omit<SignedIn, 'returnTo'>): void
  /** Renewal failed or the token expired: the session is over. */
  onEnded(): void
}

export interface OidcAuth {
  mode: 'oidc'
  /** Sends the browser to the provider; it comes back to `/auth/callback`. */
  startSignIn(returnTo: string): Promise<void>
  /** On `/auth/callback`: trades the code (with the PKCE verifier) for tokens. */
  completeSignIn(url?: string): Promise<SignedIn>
  /** Renews the tokens before they expire for as long as the tab lives; returns a stop function. */
  keepFresh(handlers: FreshnessHandlers): () => void
  /** Forgets the tokens, then sends the browser to the provider's sign-out. */
  signOut(): Promise<void>
}

/** The part of oidc-client-ts's UserManager the console uses (a seam for unit tests). */
export type UserManagerLike = Pick<
  UserManager,
  'signinRedirect' | 'signinRedirectCallback' | 'getUser' | 'removeUser' | 'signoutRedirect'
> & {
  events: Pick<
    UserManager['events'],
    'addUserLoaded' | 'addSilentRenewError' | 'addAccessTokenExpired'
  >
  metadataService: Pick<UserManager['metadataService'], 'getEndSessionEndpoint'>
}

export function oidcSettings(settings: OidcSettings, origin: string): UserManagerSettings {
  return {
    authority: settings.authority,
    client_id: settings.client_id,
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: settings.scope ?? 'openid email profile',
    // Renew a minute before the access token expires, with the refresh token.
    automaticSilentRenew: true,
    accessTokenExpiringNotificationTimeInSeconds: 60,
    // Tokens live as long as the tab, like the local sign-in's.
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  }
}

function nameOf(user: User): string | undefined {
  const p = user.profile
  const full = [p.given_name, p.family_name].filter(Boolean).join(' ')
  return p.name || full || undefined
}

function safePath(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//')
    ? value
    : '/workflows'
}

export function createOidcAuth(
  settings: OidcSettings,
  origin: string,
  manager: UserManagerLike = new UserManager(oidcSettings(settings, origin)),
  navigate: (url: string) => void = (url) => window.location.assign(url),
): OidcAuth {
  return {
    mode: 'oidc',
    async startSignIn(returnTo) {
      await manager.signinRedirect({ state: { returnTo: safePath(returnTo) } })
    },
    async completeSignIn(url) {
      const user = await manager.signinRedirectCallback(url)
      const state = user.state as { returnTo?: unknown } | undefined
      return { token: user.access_token, name: nameOf(user), returnTo: safePath(state?.returnTo) }
    },
    keepFresh(handlers) {
      const stops = [
        manager.events.addUserLoaded((user) =>
          handlers.onToken({ token: user.access_token, name: nameOf(user) }),
        ),
        manager.events.addSilentRenewError(() => handlers.onEnded()),
        manager.events.addAccessTokenExpired(() => handlers.onEnded()),
      ]
      // After a reload the renewal timer starts once the stored user is read back.
      void manager.getUser()
      return () => stops.forEach((stop) => stop())
    },
    async signOut() {
      const user = await manager.getUser()
      await manager.removeUser()
      if (settings.logout_url) {
        navigate(settings.logout_url)
        return
      }
      const endSession = await manager.metadataService.getEndSessionEndpoint().catch(() => null)
      if (endSession) await manager.signoutRedirect({ id_token_hint: user?.id_token })
    },
  }
}
