// The sign-in module: one small interface with two implementations, chosen by `/config.json`'s
// `auth.mode` (contract §12): `local` (the local server's demo people) and `oidc` (the
// authorization-code flow with PKCE against the configured provider, through oidc-client-ts).
import type { AuthConfig } from '@/app/config'
import { createOidcAuth, type OidcAuth } from './oidc'

export type { OidcAuth, SignedIn, FreshnessHandlers } from './oidc'

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

export type Auth = LocalAuth | OidcAuth

export function createAuth(
  settings: AuthConfig,
  apiBaseUrl: string,
  fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args),
): Auth {
  if (settings.mode === 'oidc') return createOidcAuth(settings, window.location.origin)
  const url = settings.sign_in_url.startsWith('http')
    ? settings.sign_in_url
    : `${apiBaseUrl}${settings.sign_in_url}`
  return {
    mode: 'local',
    async listUsers() {
      const response = await fetchImpl(url, { headers: { Accept: 'application/json' } })
      if (!response.ok) throw new Error(`The local sign-in is not available (${response.status}).`)
      const body = (await response.json()) as { data?: LocalUser[] }
      return (body.data ?? []).filter((user) => typeof user.token === 'string')
    },
  }
}

let current: { settings: AuthConfig; auth: Auth } | undefined

/** The tab's one sign-in module (an OIDC client keeps its renewal timers: one per tab). */
export function appAuth(settings: AuthConfig, apiBaseUrl: string): Auth {
  if (current?.settings !== settings) current = { settings, auth: createAuth(settings, apiBaseUrl) }
  return current.auth
}
