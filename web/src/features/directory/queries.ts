import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/vue-query'
import { computed, toValue, type MaybeRefOrGetter } from 'vue'
import { api, ifMatch } from '@/api/client'
import { unwrap } from '@/api/errors'
import type {
  Asset,
  AssetListQuery,
  AssetPatch,
  Employee,
  EmployeeListQuery,
  EmployeePatch,
  NewAsset,
  NewEmployee,
  Page,
} from '@/api/types'
import { workflowKeys } from '@/features/workflows/keys'

export type EmployeeFilters = Omit<EmployeeListQuery, 'limit' | 'cursor'>
export type AssetFilters = Omit<AssetListQuery, 'limit' | 'cursor'>

export const employeeKeys = {
  all: ['employees'] as const,
  lists: () => [...employeeKeys.all, 'list'] as const,
  list: (filters: EmployeeFilters, limit: number) =>
    [...employeeKeys.lists(), filters, limit] as const,
  detail: (id: string) => [...employeeKeys.all, 'detail', id] as const,
}

export const assetKeys = {
  all: ['assets'] as const,
  lists: () => [...assetKeys.all, 'list'] as const,
  list: (filters: AssetFilters, limit: number) => [...assetKeys.lists(), filters, limit] as const,
  detail: (id: string) => [...assetKeys.all, 'detail', id] as const,
}

function clean<T extends object>(filters: T): T {
  return Object.fromEntries(
    Object.entries(filters).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as T
}

export function useEmployeeList(filters: MaybeRefOrGetter<EmployeeFilters>, limit = 25) {
  const cleaned = computed(() => clean(toValue(filters)))
  const query = useInfiniteQuery({
    queryKey: computed(() => employeeKeys.list(cleaned.value, limit)),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      (await unwrap(
        api().GET('/api/v1/employees', {
          params: { query: { ...cleaned.value, limit, cursor: pageParam } },
          signal,
        }),
      )) as Page<Employee>,
    getNextPageParam: (last) => last.meta.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  })
  const items = computed(() => query.data.value?.pages.flatMap((p) => p.data) ?? [])
  return { ...query, items }
}

export function useAssetList(filters: MaybeRefOrGetter<AssetFilters>, limit = 25) {
  const cleaned = computed(() => clean(toValue(filters)))
  const query = useInfiniteQuery({
    queryKey: computed(() => assetKeys.list(cleaned.value, limit)),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      (await unwrap(
        api().GET('/api/v1/assets', {
          params: { query: { ...cleaned.value, limit, cursor: pageParam } },
          signal,
        }),
      )) as Page<Asset>,
    getNextPageParam: (last) => last.meta.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  })
  const items = computed(() => query.data.value?.pages.flatMap((p) => p.data) ?? [])
  return { ...query, items }
}

export function useEmployee(id: MaybeRefOrGetter<string | null | undefined>) {
  return useQuery({
    queryKey: computed(() => employeeKeys.detail(toValue(id) ?? '')),
    enabled: computed(() => !!toValue(id)),
    queryFn: async ({ signal }) =>
      (
        await unwrap(
          api().GET('/api/v1/employees/{id}', { params: { path: { id: toValue(id)! } }, signal }),
        )
      ).data,
  })
}

export function useAsset(id: MaybeRefOrGetter<string | null | undefined>) {
  return useQuery({
    queryKey: computed(() => assetKeys.detail(toValue(id) ?? '')),
    enabled: computed(() => !!toValue(id)),
    queryFn: async ({ signal }) =>
      (
        await unwrap(
          api().GET('/api/v1/assets/{id}', { params: { path: { id: toValue(id)! } }, signal }),
        )
      ).data,
  })
}

// An employee or asset change also changes the summaries workflows carry of it.
function invalidateDirectory(client: ReturnType<typeof useQueryClient>, keys: readonly string[]) {
  void client.invalidateQueries({ queryKey: keys })
  void client.invalidateQueries({ queryKey: workflowKeys.all })
}

export function useSaveEmployee() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (
      input: { id: string; version: number; patch: EmployeePatch } | { create: NewEmployee },
    ) => {
      if ('create' in input) {
        return (await unwrap(api().POST('/api/v1/employees', { body: input.create }))).data
      }
      return (
        await unwrap(
          api().PATCH('/api/v1/employees/{id}', {
            params: { path: { id: input.id }, header: ifMatch(input.version) },
            body: input.patch,
          }),
        )
      ).data
    },
    onSuccess: (employee) => {
      client.setQueryData(employeeKeys.detail(employee.id), employee)
      invalidateDirectory(client, employeeKeys.lists())
    },
  })
}

export function useSaveAsset() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (
      input: { id: string; version: number; patch: AssetPatch } | { create: NewAsset },
    ) => {
      if ('create' in input) {
        return (await unwrap(api().POST('/api/v1/assets', { body: input.create }))).data
      }
      return (
        await unwrap(
          api().PATCH('/api/v1/assets/{id}', {
            params: { path: { id: input.id }, header: ifMatch(input.version) },
            body: input.patch,
          }),
        )
      ).data
    },
    onSuccess: (asset) => {
      client.setQueryData(assetKeys.detail(asset.id), asset)
      invalidateDirectory(client, assetKeys.lists())
      void client.invalidateQueries({ queryKey: employeeKeys.all })
    },
  })
}
