import { useRouter } from 'vue-router'
import { useSessionStore } from '@/stores/session'
import { useAuth } from './queries'

/** Signs out: the session here, then (signed in through a provider) at the provider. */
export function useSignOut() {
  const session = useSessionStore()
  const router = useRouter()
  const auth = useAuth()
  return async () => {
    session.signOut()
    if (auth.mode === 'oidc') await auth.signOut()
    else await router.push({ name: 'sign-in' })
  }
}
