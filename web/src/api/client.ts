import createClient, { type Client, type Middleware } from 'openapi-fetch'
import type { paths } from './schema'

/** What the client needs to know of the session, set once at start. */
export interface ClientHooks {
  token(): string | null
  tenant(): string | null
  /** A request that carried a token was refused with 401: the session is over. */
  onUnauthorized(): void
}

let hooks: ClientHooks = {
  token: () => null,
  tenant: () => null,
  onUnauthorized: () => {},
}

const authMiddleware: Middleware = {
  onRequest({ request }) {
    const token = hooks.token()
    if (token) request.headers.set('Authorization', `Bearer ${token}`)
    const tenant = hooks.tenant()
    if (tenant) request.headers.set('X-Tenant-ID', tenant)
    return request
  },
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has('Authorization')) hooks.onUnauthorized()
    return response
  },
}

let client: Client<paths> | undefined

/** Creates the one API client for a base URL ("" = same origin). */
export function configureApi(baseUrl: string, clientHooks?: ClientHooks): Client<paths> {
  if (clientHooks) hooks = clientHooks
  client = createClient<paths>({
    baseUrl,
    // Looked up at call time so tests can spy on the global fetch.
    fetch: (request) => globalThis.fetch(request),
  })
  client.use(authMiddleware)
  return client
}

/** The API client. Only `queries.ts` modules call it. */
export function api(): Client<paths> {
  return client ?? configureApi('')
}

/** `If-Match` for a version (contract §1). */
export function ifMatch(version: number): { 'If-Match': string } {
  return { 'If-Match': `"${version}"` }
}
