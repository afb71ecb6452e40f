import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/vue-query'
import { computed, toValue, type MaybeRefOrGetter } from 'vue'
import { api } from '@/api/client'
import { unwrap } from '@/api/errors'
import { workflowKeys, type TaskListFilters } from '@/features/workflows/keys'

const PAGE_SIZE = 20
/** The nav's count reads one page this big and shows "N+" past it. */
export const COUNT_PAGE = 100

/** The caller's (or, for an admin, someone's) active steps, soonest due first, cursor-paged. */
export function useTaskList(filters: MaybeRefOrGetter<TaskListFilters>) {
  const clean = computed(() => {
    const { assigned_to, overdue } = toValue(filters)
    const query: TaskListFilters = {}
    if (assigned_to?.trim()) query.assigned_to = assigned_to.trim()
    if (overdue) query.overdue = true
    return query
  })
  const query = useInfiniteQuery({
    queryKey: computed(() => workflowKeys.taskList(clean.value)),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        api().GET('/api/v1/tasks', {
          params: { query: { ...clean.value, limit: PAGE_SIZE, cursor: pageParam } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.meta.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  })
  const items = computed(() => query.data.value?.pages.flatMap((page) => page.data) ?? [])
  return { ...query, items }
}

/** How many active steps the caller has: `{count, more}` from one page (the nav's badge). */
export function useTaskCount(enabled: MaybeRefOrGetter<boolean>) {
  return useQuery({
    queryKey: workflowKeys.taskCount(),
    queryFn: async ({ signal }) => {
      const page = await unwrap(
        api().GET('/api/v1/tasks', { params: { query: { limit: COUNT_PAGE } }, signal }),
      )
      return { count: page.data.length, more: !!page.meta.next_cursor }
    },
    enabled: computed(() => toValue(enabled)),
  })
}
