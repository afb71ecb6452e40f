import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { decodeClaims, useSessionStore } from '../session'

function token(claims: Record<string, unknown>): string {
  const b64 = (value: object) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
  return `${b64({ alg: 'HS256' })}.${b64(claims)}.sig`
}

const future = Math.floor(Date.now() / 1000) + 3600

beforeEach(() => {
  sessionStorage.clear()
  setActivePinia(createPinia())
})

describe('decodeClaims', () => {
  it('reads a base64url payload, UTF-8 included', () => {
    expect(decodeClaims(token({ sub: 'u1', name: 'Zoë' }))).toEqual({ sub: 'u1', name: 'Zoë' })
    expect(decodeClaims('garbage')).toBeNull()
  })
})

describe('the session store', () => {
  it('signs in from a token, keeps it in sessionStorage, and signs out', async () => {
    const session = useSessionStore()
    expect(session.isSignedIn).toBe(false)
    const user = session.signIn(
      token({
        sub: 'm1',
        email: 'sam@x.example',
        tenant: 'demo',
        role: 'manager',
        team: 'design',
        exp: future,
      }),
      {
        name: 'Sam',
      },
    )
    expect(user).toMatchObject({ role: 'manager', team: 'design', tenant: 'demo', name: 'Sam' })
    expect(session.isSignedIn).toBe(true)
    await nextTick()
    expect(JSON.parse(sessionStorage.getItem('assetronics.session')!).user.email).toBe(
      'sam@x.example',
    )

    // A new store (a reload) reads it back.
    setActivePinia(createPinia())
    expect(useSessionStore().user?.name).toBe('Sam')

    useSessionStore().signOut()
    await nextTick()
    expect(sessionStorage.getItem('assetronics.session')).toBeNull()
  })

  it('treats an expired token as signed out', () => {
    const session = useSessionStore()
    session.signIn(token({ sub: 'x', email: 'a@b.c', tenant: 'demo', role: 'admin', exp: 1000 }))
    expect(session.isSignedIn).toBe(false)
  })
})
