import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import { api, ifMatch } from '@/api/client'
import { unwrap } from '@/api/errors'
import type { SettingsPatch, Tenant } from '@/api/types'

export const settingsKeys = {
  tenant: ['tenant-settings'] as const,
}

export function useTenantSettings() {
  return useQuery({
    queryKey: settingsKeys.tenant,
    queryFn: async ({ signal }) =>
      (await unwrap(api().GET('/api/v1/tenant/settings', { signal }))).data,
  })
}

export function useSaveSettings() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async ({ version, patch }: { version: number; patch: SettingsPatch }) =>
      (
        await unwrap(
          api().PATCH('/api/v1/tenant/settings', {
            params: { header: ifMatch(version) },
            body: patch,
          }),
        )
      ).data as Tenant,
    onSuccess: (tenant) => client.setQueryData(settingsKeys.tenant, tenant),
  })
}
