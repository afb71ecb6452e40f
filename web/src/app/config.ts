// The runtime configuration (`/config.json`, contract §12): one build serves every stage.
// It is not part of the API's OpenAPI document, so its shape is stated here.

export type AuthConfig =
  | { mode: 'local'; sign_in_url: string }
  | {
      mode: 'oidc'
      /** The OpenID provider (its `/.well-known/openid-configuration`). */
      authority: string
      client_id: string
      /** Default `openid email profile`. */
      scope?: string
      /**
       * Where signing out sends the browser (a Cognito hosted-UI `/logout?client_id=…&logout_uri=…`);
       * without it, the provider's `end_session_endpoint` when it has one.
       */
      logout_url?: string
    }

export interface RuntimeConfig {
  /** "" means the console's own origin. */
  api_base_url: string
  ws_url: string
  auth: AuthConfig
}

function sameOriginWs(): string {
  const { protocol, host } = window.location
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/ws`
}

export function defaultConfig(): RuntimeConfig {
  return {
    api_base_url: '',
    ws_url: sameOriginWs(),
    auth: { mode: 'local', sign_in_url: '/local/sign-in' },
  }
}

function isRuntimeConfig(value: unknown): value is RuntimeConfig {
  if (!value || typeof value !== 'object') return false
  const v = value as Record<string, unknown>
  const auth = v.auth as Record<string, unknown> | undefined
  return (
    typeof v.api_base_url === 'string' &&
    typeof v.ws_url === 'string' &&
    !!auth &&
    (auth.mode === 'local' || auth.mode === 'oidc')
  )
}

/**
 * Reads `/config.json`. Without one (the Vite dev server before the local server had it) the
 * console talks to its own origin and signs in locally.
 */
export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<RuntimeConfig> {
  try {
    const response = await fetchImpl('/config.json', { cache: 'no-store' })
    if (response.ok) {
      const body: unknown = await response.json()
      if (isRuntimeConfig(body)) {
        return { ...body, api_base_url: body.api_base_url.replace(/\/+$/, '') }
      }
    }
  } catch {
    // fall through to the default
  }
  return defaultConfig()
}

let current: RuntimeConfig | undefined

export function setConfig(config: RuntimeConfig): void {
  current = config
}

export function config(): RuntimeConfig {
  current ??= defaultConfig()
  return current
}
