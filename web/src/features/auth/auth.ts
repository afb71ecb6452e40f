// The sign-in module: one small interface, a `local` implementation now, `oidc` with the
// identity issue (authorization code + PKCE against the configured authority).
import type { AuthConfig } from '@/app/config'

/** A seeded user of the local server (`GET /local/sign-in`, local only: not in the API document). */
export interface LocalUser {
  id: string
  tenant_id: string
  email: string
  role: 'admin' | 'manager' | 'user' | 'platform_admin'
  team: string | null
  name: string
  token: string
}

export interface LocalAuth {
  mode: 'local'
  listUsers(): Promise<LocalUser[]>
}

export interface OidcAuth {
  mode: 'oidc'
  /** Sends the browser to the identity provider. */
  startSignIn(returnTo: string): Promise<void>
}

export type Auth = LocalAuth | OidcAuth

export function createAuth(
  settings: AuthConfig,
  apiBaseUrl: string,
  fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
): Auth {
  if (settings.mode === 'local') {
    const url = settings.sign_in_url.startsWith('http')
      ? settings.sign_in_url
      : `${apiBaseUrl}${settings.sign_in_url}`
    return {
      mode: 'local',
      async listUsers() {
        const response = await fetchImpl(url, { headers: { Accept: 'application/json' } })
        if (!response.ok)
          throw new Error(`The local sign-in is not available (${response.status}).`)
        const body = (await response.json()) as { data?: LocalUser[] }
        return (body.data ?? []).filter((user) => typeof user.token === 'string')
      },
    }
  }
  return {
    mode: 'oidc',
    async startSignIn() {
      // The identity issue brings the authorization-code flow with PKCE here.
      throw new Error(
        `Single sign-on through ${settings.authority} is not available in this build yet.`,
      )
    },
  }
}
