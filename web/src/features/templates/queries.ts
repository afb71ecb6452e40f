import { useMutation, useQuery, useQueryClient } from '@tanstack/vue-query'
import { computed, toValue, type MaybeRefOrGetter } from 'vue'
import { api, ifMatch } from '@/api/client'
import { ApiError, unwrap } from '@/api/errors'
import type { NewTemplate, Template, TemplatePatch } from '@/api/types'
import { templateKeys } from '@/features/workflows/keys'

export { useTemplates } from '@/features/workflows/queries'

export function useTemplate(key: MaybeRefOrGetter<string>) {
  return useQuery({
    queryKey: computed(() => templateKeys.detail(toValue(key))),
    queryFn: async ({ signal }) =>
      (
        await unwrap(
          api().GET('/api/v1/workflows/templates/{key}', {
            params: { path: { key: toValue(key) } },
            signal,
          }),
        )
      ).data,
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  })
}

function useAfterTemplateChange() {
  const client = useQueryClient()
  return (template?: Template) => {
    if (template) client.setQueryData(templateKeys.detail(template.key), template)
    void client.invalidateQueries({ queryKey: templateKeys.list() })
  }
}

export function useCreateTemplate() {
  const after = useAfterTemplateChange()
  return useMutation({
    mutationFn: async (body: NewTemplate) =>
      (await unwrap(api().POST('/api/v1/workflows/templates', { body }))).data,
    onSuccess: after,
  })
}

/** PATCH with `If-Match: "<version>"`; a 412 refetches the template (someone else saved first). */
export function useUpdateTemplate(template: MaybeRefOrGetter<Template | undefined>) {
  const after = useAfterTemplateChange()
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (patch: TemplatePatch) => {
      const current = toValue(template)
      if (!current) throw new Error('The template is not loaded.')
      return (
        await unwrap(
          api().PATCH('/api/v1/workflows/templates/{key}', {
            params: { path: { key: current.key }, header: ifMatch(current.version) },
            body: patch,
          }),
        )
      ).data
    },
    onSuccess: after,
    onError: (error) => {
      const current = toValue(template)
      if (current && error instanceof ApiError && error.isConflict) {
        void client.invalidateQueries({ queryKey: templateKeys.detail(current.key) })
      }
    },
  })
}

export function useDeleteTemplate() {
  const after = useAfterTemplateChange()
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (key: string) => {
      await unwrap(api().DELETE('/api/v1/workflows/templates/{key}', { params: { path: { key } } }))
      return key
    },
    onSuccess: (key) => {
      client.removeQueries({ queryKey: templateKeys.detail(key) })
      after()
    },
  })
}
