import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/vue-query'
import { computed } from 'vue'
import { api, ifMatch } from '@/api/client'
import { unwrap } from '@/api/errors'
import type { NewUser, User, UserPatch } from '@/api/types'

export const userKeys = {
  all: ['users'] as const,
  list: () => [...userKeys.all, 'list'] as const,
}

/** The tenant's users (admins only), cursor-paged. */
export function useUserList() {
  const query = useInfiniteQuery({
    queryKey: userKeys.list(),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        api().GET('/api/v1/users', { params: { query: { limit: 50, cursor: pageParam } }, signal }),
      ),
    getNextPageParam: (last) => last.meta.next_cursor ?? undefined,
  })
  const items = computed(() => query.data.value?.pages.flatMap((page) => page.data) ?? [])
  return { ...query, items }
}

/** Invites someone (the identity provider sends the invitation), or changes a user with `If-Match`. */
export function useSaveUser() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (input: { invite: NewUser } | { user: User; patch: UserPatch }) => {
      if ('invite' in input)
        return (await unwrap(api().POST('/api/v1/users', { body: input.invite }))).data
      return (
        await unwrap(
          api().PATCH('/api/v1/users/{id}', {
            params: { path: { id: input.user.id }, header: ifMatch(input.user.version) },
            body: input.patch,
          }),
        )
      ).data
    },
    onSettled: () => void client.invalidateQueries({ queryKey: userKeys.list() }),
  })
}
