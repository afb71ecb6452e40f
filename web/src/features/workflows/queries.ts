import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/vue-query'
import { computed, toValue, type MaybeRefOrGetter } from 'vue'
import { api, ifMatch } from '@/api/client'
import { ApiError, unwrap } from '@/api/errors'
import type {
  NewWorkflow,
  Page,
  Workflow,
  WorkflowDetail,
  WorkflowPatch,
  WorkflowSummary,
} from '@/api/types'
import { storeWorkflow } from './cache'
import { cleanFilters, templateKeys, workflowKeys, type WorkflowFilters } from './keys'

export { workflowKeys, templateKeys, type WorkflowFilters }

const PAGE_SIZE = 20

/** A single-workflow answer: it always has its steps (an absent list would mean none loaded). */
function detail(workflow: Workflow): WorkflowDetail {
  return { ...workflow, steps: workflow.steps ?? [] }
}

/** A cursor-paged workflow list ("load more"). */
export function useWorkflowList(filters: MaybeRefOrGetter<WorkflowFilters>, pageSize = PAGE_SIZE) {
  const clean = computed(() => cleanFilters(toValue(filters)))
  const query = useInfiniteQuery({
    queryKey: computed(() => workflowKeys.list(clean.value)),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) => {
      const page = await unwrap(
        api().GET('/api/v1/workflows', {
          params: { query: { ...clean.value, limit: pageSize, cursor: pageParam } },
          signal,
        }),
      )
      return page as unknown as Page<WorkflowSummary>
    },
    getNextPageParam: (last) => last.meta.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  })
  const items = computed(() => query.data.value?.pages.flatMap((page) => page.data) ?? [])
  return { ...query, items }
}

export function useWorkflow(id: MaybeRefOrGetter<string>) {
  return useQuery({
    queryKey: computed(() => workflowKeys.detail(toValue(id))),
    queryFn: async ({ signal }) =>
      detail(
        (
          await unwrap(
            api().GET('/api/v1/workflows/{id}', { params: { path: { id: toValue(id) } }, signal }),
          )
        ).data as Workflow,
      ),
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  })
}

export function useWorkflowHistory(id: MaybeRefOrGetter<string>) {
  return useQuery({
    queryKey: computed(() => workflowKeys.history(toValue(id))),
    queryFn: async ({ signal }) =>
      (
        await unwrap(
          api().GET('/api/v1/workflows/{id}/history', {
            params: { path: { id: toValue(id) } },
            signal,
          }),
        )
      ).data,
  })
}

/** The templates; the browser revalidates them with their ETag (a 304 costs nothing). */
export function useTemplates() {
  return useQuery({
    queryKey: templateKeys.list(),
    queryFn: async ({ signal }) =>
      (await unwrap(api().GET('/api/v1/workflows/templates', { signal }))).data,
    staleTime: 5 * 60_000,
  })
}

export function useWorkflowStats() {
  return useQuery({
    queryKey: workflowKeys.stats(),
    queryFn: async ({ signal }) =>
      (await unwrap(api().GET('/api/v1/workflows/stats', { signal }))).data,
  })
}

/** The create dialog's body: from a template, or a custom workflow with its steps. */
export type CreateWorkflowInput =
  | ({ kind: 'template'; template_key: string } & Omit<NewWorkflow, 'template_key' | 'steps'>)
  | ({ kind: 'custom' } & Omit<NewWorkflow, 'template_key'>)

export function useCreateWorkflow() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (input: CreateWorkflowInput) => {
      const { kind, ...body } = input
      const call =
        kind === 'template'
          ? api().POST('/api/v1/workflows/from-template', { body })
          : api().POST('/api/v1/workflows', { body })
      return detail((await unwrap(call)).data as Workflow)
    },
    onSuccess: (workflow) => {
      client.setQueryData(workflowKeys.detail(workflow.id), workflow)
      void client.invalidateQueries({ queryKey: workflowKeys.lists() })
      void client.invalidateQueries({ queryKey: workflowKeys.stats() })
    },
  })
}

export type Transition =
  | { action: 'start' }
  | { action: 'advance'; expectedStep: number }
  | { action: 'complete' }
  | { action: 'cancel'; reason: string }
  | { action: 'approve'; expectedStep: number; comment?: string }
  | { action: 'reject'; expectedStep: number; comment: string }
  | { action: 'skip'; expectedStep: number; reason: string }

// Transitions are guarded by the state machine (409) and `expected_step`, not by `If-Match`:
// an edit of the title by someone else should not refuse an advance.
async function transition(id: string, t: Transition): Promise<Workflow> {
  const params = { path: { id } }
  switch (t.action) {
    case 'start':
      return (await unwrap(api().POST('/api/v1/workflows/{id}/start', { params }))).data as Workflow
    case 'advance':
      return (
        await unwrap(
          api().POST('/api/v1/workflows/{id}/advance', {
            params,
            body: { expected_step: t.expectedStep },
          }),
        )
      ).data as Workflow
    case 'complete':
      return (await unwrap(api().POST('/api/v1/workflows/{id}/complete', { params })))
        .data as Workflow
    case 'cancel':
      return (
        await unwrap(
          api().POST('/api/v1/workflows/{id}/cancel', { params, body: { reason: t.reason } }),
        )
      ).data as Workflow
    case 'approve':
      return (
        await unwrap(
          api().POST('/api/v1/workflows/{id}/approve', {
            params,
            body: { expected_step: t.expectedStep, ...(t.comment ? { comment: t.comment } : {}) },
          }),
        )
      ).data as Workflow
    case 'reject':
      return (
        await unwrap(
          api().POST('/api/v1/workflows/{id}/reject', {
            params,
            body: { expected_step: t.expectedStep, comment: t.comment },
          }),
        )
      ).data as Workflow
    case 'skip':
      return (
        await unwrap(
          api().POST('/api/v1/workflows/{id}/skip', {
            params,
            body: { expected_step: t.expectedStep, reason: t.reason },
          }),
        )
      ).data as Workflow
  }
}

/** Refreshes a workflow after a lost race (409/412) so the page shows what happened. */
function refreshAfterConflict(client: ReturnType<typeof useQueryClient>, id: string) {
  void client.invalidateQueries({ queryKey: workflowKeys.detail(id) })
  void client.invalidateQueries({ queryKey: workflowKeys.history(id) })
  void client.invalidateQueries({ queryKey: workflowKeys.lists() })
  void client.invalidateQueries({ queryKey: workflowKeys.tasks() })
}

function afterChange(client: ReturnType<typeof useQueryClient>, workflow: WorkflowDetail) {
  storeWorkflow(client, workflow)
  void client.invalidateQueries({ queryKey: workflowKeys.history(workflow.id) })
  void client.invalidateQueries({ queryKey: workflowKeys.stats() })
  void client.invalidateQueries({ queryKey: workflowKeys.tasks() })
}

/** Start, advance, approve, reject, skip (those with `expected_step`), complete and cancel. */
export function useWorkflowTransition(workflow: MaybeRefOrGetter<Workflow | undefined>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (t: Transition) => {
      const current = toValue(workflow)
      if (!current) throw new Error('The workflow is not loaded.')
      return transition(current.id, t).then(detail)
    },
    onSuccess: (updated) => afterChange(client, updated),
    onError: (error) => {
      const current = toValue(workflow)
      if (current && error instanceof ApiError && error.isConflict) {
        refreshAfterConflict(client, current.id)
      }
    },
  })
}

/** Edits a workflow: PATCH with `If-Match: "<version>"` (412 when someone else was faster). */
export function useUpdateWorkflow(workflow: MaybeRefOrGetter<Workflow | undefined>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (patch: WorkflowPatch) => {
      const current = toValue(workflow)
      if (!current) throw new Error('The workflow is not loaded.')
      return detail(
        (
          await unwrap(
            api().PATCH('/api/v1/workflows/{id}', {
              params: { path: { id: current.id }, header: ifMatch(current.version) },
              body: patch,
            }),
          )
        ).data as Workflow,
      )
    },
    onSuccess: (updated) => afterChange(client, updated),
    onError: (error) => {
      const current = toValue(workflow)
      if (current && error instanceof ApiError && error.isConflict) {
        refreshAfterConflict(client, current.id)
      }
    },
  })
}

/** Adds a note to a step (`POST .../steps/{order}/notes`); the workflow is refetched after. */
export function useAddNote(workflow: MaybeRefOrGetter<Workflow | undefined>) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async ({ order, text }: { order: number; text: string }) => {
      const current = toValue(workflow)
      if (!current) throw new Error('The workflow is not loaded.')
      return (
        await unwrap(
          api().POST('/api/v1/workflows/{id}/steps/{order}/notes', {
            params: { path: { id: current.id, order } },
            body: { text },
          }),
        )
      ).data
    },
    onSettled: () => {
      const current = toValue(workflow)
      if (!current) return
      void client.invalidateQueries({ queryKey: workflowKeys.detail(current.id) })
      void client.invalidateQueries({ queryKey: workflowKeys.history(current.id) })
    },
  })
}
