import { useQuery } from '@tanstack/vue-query'
import { config } from '@/app/config'
import { appAuth, type LocalAuth } from './auth'

export const authKeys = {
  localUsers: ['auth', 'local-users'] as const,
}

export function useAuth() {
  const settings = config()
  return appAuth(settings.auth, settings.api_base_url)
}

/** The local server's demo users (local sign-in only). */
export function useLocalUsers(auth: LocalAuth) {
  return useQuery({
    queryKey: authKeys.localUsers,
    queryFn: () => auth.listUsers(),
    staleTime: 60_000,
  })
}
