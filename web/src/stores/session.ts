import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'

export type Role = 'admin' | 'manager' | 'user' | 'platform_admin'

/** What the console needs of the token's claims (contract §2). */
export interface SessionUser {
  sub: string
  email: string
  tenant: string
  role: Role
  team: string | null
  name: string
  /** Seconds since the epoch. */
  exp: number
}

interface Stored {
  token: string
  user: SessionUser
}

const KEY = 'assetronics.session'

function read(): Stored | null {
  try {
    const raw = sessionStorage.getItem(KEY)
    if (!raw) return null
    const parsed = JSON.parse(raw) as Stored
    return parsed.token && parsed.user ? parsed : null
  } catch {
    return null
  }
}

/** Decodes a JWT's payload (no verification: the API verifies; the console only reads claims). */
export function decodeClaims(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1]
  if (!part) return null
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/')
    const json = decodeURIComponent(
      Array.from(atob(base64), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''),
    )
    const claims: unknown = JSON.parse(json)
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/** The signed-in person: token and claims, kept in sessionStorage (per tab, gone with it). */
export const useSessionStore = defineStore('session', () => {
  const stored = read()
  const token = ref<string | null>(stored?.token ?? null)
  const user = ref<SessionUser | null>(stored?.user ?? null)

  const isSignedIn = computed(
    () => !!token.value && !!user.value && user.value.exp * 1000 > Date.now(),
  )
  const role = computed(() => user.value?.role ?? null)

  function signIn(newToken: string, profile: Partial<Pick<SessionUser, 'name'>> = {}): SessionUser {
    const claims = decodeClaims(newToken)
    if (!claims) throw new Error('The sign-in token could not be read.')
    const email = String(claims.email ?? '')
    const signedIn: SessionUser = {
      sub: String(claims.sub ?? ''),
      email,
      tenant: String(claims.tenant ?? ''),
      role: (claims.role as Role) ?? 'user',
      team: typeof claims.team === 'string' ? claims.team : null,
      name: profile.name || email,
      exp: Number(claims.exp ?? 0),
    }
    token.value = newToken
    user.value = signedIn
    return signedIn
  }

  function signOut(): void {
    token.value = null
    user.value = null
  }

  watch([token, user], () => {
    if (token.value && user.value) {
      sessionStorage.setItem(KEY, JSON.stringify({ token: token.value, user: user.value }))
    } else {
      sessionStorage.removeItem(KEY)
    }
  })

  return { token, user, role, isSignedIn, signIn, signOut }
})
