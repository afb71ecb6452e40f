// Keeps the cached workflow queries in step with a newer copy of one workflow, from a mutation's
// answer or a live event: lists update in place, the detail merges what it can and refetches
// what a list form cannot carry (the steps).
import type { InfiniteData, QueryClient } from '@tanstack/vue-query'
import type { Page, Workflow, WorkflowDetail, WorkflowSummary } from '@/api/types'
import { workflowKeys } from './keys'

export type WorkflowEventName =
  | 'workflow_created'
  | 'workflow_updated'
  | 'workflow_started'
  | 'workflow_step_advanced'
  | 'workflow_completed'
  | 'workflow_cancelled'

export interface WorkflowEvent {
  event: WorkflowEventName
  tenant_id: string
  workflow: WorkflowSummary
  at: string
}

export function isWorkflowEvent(value: unknown): value is WorkflowEvent {
  if (!value || typeof value !== 'object') return false
  const v = value as Record<string, unknown>
  const workflow = v.workflow as Record<string, unknown> | undefined
  return (
    typeof v.event === 'string' &&
    v.event.startsWith('workflow_') &&
    !!workflow &&
    typeof workflow.id === 'string' &&
    typeof workflow.version === 'number'
  )
}

function summaryOf(workflow: WorkflowSummary | Workflow): WorkflowSummary {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { steps, ...summary } = workflow as Workflow
  return summary
}

/** Replaces the workflow in every cached list page where an older copy of it is. */
export function updateWorkflowInLists(client: QueryClient, workflow: WorkflowSummary): void {
  const summary = summaryOf(workflow)
  client.setQueriesData<InfiniteData<Page<WorkflowSummary>>>(
    { queryKey: workflowKeys.lists() },
    (data) => {
      if (!data) return data
      let changed = false
      const pages = data.pages.map((page) => {
        const index = page.data.findIndex((item) => item.id === summary.id)
        const current = index >= 0 ? page.data[index] : undefined
        if (!current || current.version >= summary.version) return page
        changed = true
        const items = page.data.slice()
        items[index] = summary
        return { ...page, data: items }
      })
      return changed ? { ...data, pages } : data
    },
  )
}

/** A full workflow (with steps) from a mutation's answer: the truth for every cache. */
export function storeWorkflow(client: QueryClient, workflow: WorkflowDetail): void {
  const cached = client.getQueryData<WorkflowDetail>(workflowKeys.detail(workflow.id))
  if (!cached || cached.version <= workflow.version) {
    client.setQueryData(workflowKeys.detail(workflow.id), workflow)
  }
  updateWorkflowInLists(client, workflow)
}

const membershipEvents: ReadonlySet<WorkflowEventName> = new Set([
  'workflow_created',
  'workflow_started',
  'workflow_completed',
  'workflow_cancelled',
])

/** Applies a live event to the caches. */
export function applyWorkflowEvent(client: QueryClient, event: WorkflowEvent): void {
  const { workflow } = event
  const detailKey = workflowKeys.detail(workflow.id)
  const cached = client.getQueryData<WorkflowDetail>(detailKey)
  if (cached && cached.version < workflow.version) {
    // Show the new summary fields at once; the steps come with the refetch.
    client.setQueryData<WorkflowDetail>(detailKey, {
      ...cached,
      ...summaryOf(workflow),
      steps: cached.steps,
    })
    void client.invalidateQueries({ queryKey: detailKey, exact: true })
  }
  updateWorkflowInLists(client, workflow)
  // A new workflow, or a status change, can move it in or out of filtered lists.
  void client.invalidateQueries({
    queryKey: workflowKeys.lists(),
    refetchType: membershipEvents.has(event.event) ? 'active' : 'none',
  })
  void client.invalidateQueries({ queryKey: workflowKeys.history(workflow.id) })
  void client.invalidateQueries({ queryKey: workflowKeys.stats() })
  // Any change may start, finish or reassign someone's step.
  void client.invalidateQueries({ queryKey: workflowKeys.tasks() })
}
