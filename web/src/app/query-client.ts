import { QueryClient } from '@tanstack/vue-query'
import { ApiError } from '@/api/errors'

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Live events keep workflows fresh; a short stale time covers what they do not.
        staleTime: 30_000,
        refetchOnWindowFocus: true,
        retry: (count, error) => {
          if (error instanceof ApiError && error.status > 0 && error.status < 500) return false
          return count < 2
        },
      },
      mutations: { retry: false },
    },
  })
}
