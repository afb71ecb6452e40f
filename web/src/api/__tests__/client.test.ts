import { afterEach, describe, expect, it, vi } from 'vitest'
import { configureApi, ifMatch } from '../client'
import { unwrap } from '../errors'

afterEach(() => vi.unstubAllGlobals())

describe('the API client', () => {
  it('sends the bearer token and the tenant, and reports a refused token', async () => {
    const seen: Request[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (request: Request) => {
        seen.push(request)
        return new Response(
          JSON.stringify({
            type: 'about:blank',
            title: 'Unauthorized',
            status: 401,
            detail: 'expired',
          }),
          {
            status: 401,
            headers: { 'Content-Type': 'application/problem+json' },
          },
        )
      }),
    )
    const onUnauthorized = vi.fn()
    const client = configureApi('https://api.example', {
      token: () => 'tok',
      tenant: () => 'demo',
      onUnauthorized,
    })
    const error = await unwrap(client.GET('/api/v1/workflows/stats')).catch((e) => e)
    expect(error.status).toBe(401)
    expect(seen[0]!.url).toBe('https://api.example/api/v1/workflows/stats')
    expect(seen[0]!.headers.get('Authorization')).toBe('Bearer tok')
    expect(seen[0]!.headers.get('X-Tenant-ID')).toBe('demo')
    expect(onUnauthorized).toHaveBeenCalledOnce()
  })

  it('sends If-Match as a strong tag of the version', async () => {
    let request: Request | undefined
    vi.stubGlobal(
      'fetch',
      vi.fn(async (r: Request) => {
        request = r
        return new Response(JSON.stringify({ data: { id: 'x' } }), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        })
      }),
    )
    const client = configureApi('', {
      token: () => null,
      tenant: () => null,
      onUnauthorized: () => {},
    })
    await unwrap(
      client.PATCH('/api/v1/workflows/{id}', {
        params: { path: { id: '0190aaaa-0000-7000-8000-000000000000' }, header: ifMatch(7) },
        body: { title: 'New' },
      }),
    )
    expect(request!.headers.get('If-Match')).toBe('"7"')
    expect(request!.headers.get('Authorization')).toBeNull()
    expect(await request!.json()).toEqual({ title: 'New' })
  })
})
