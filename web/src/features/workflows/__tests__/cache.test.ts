import { QueryClient, type InfiniteData } from '@tanstack/vue-query'
import { describe, expect, it, vi } from 'vitest'
import type { Page, Workflow, WorkflowDetail, WorkflowSummary } from '@/api/types'
import { applyWorkflowEvent, isWorkflowEvent, storeWorkflow } from '../cache'
import { workflowKeys } from '../keys'

function summary(
  id: string,
  version: number,
  over: Partial<WorkflowSummary> = {},
): WorkflowSummary {
  return {
    id,
    version,
    title: `W ${id}`,
    status: 'pending',
    current_step: 0,
    total_steps: 2,
    ...over,
  } as WorkflowSummary
}

function seedList(client: QueryClient, items: WorkflowSummary[]) {
  const data: InfiniteData<Page<WorkflowSummary>> = {
    pages: [{ data: items, meta: { limit: 20, next_cursor: null } }],
    pageParams: [undefined],
  }
  client.setQueryData(workflowKeys.list({}), data)
  client.setQueryData(workflowKeys.list({ status: 'pending' }), data)
}

const listed = (client: QueryClient, filters = {}) =>
  client.getQueryData<InfiniteData<Page<WorkflowSummary>>>(workflowKeys.list(filters))!.pages[0]!
    .data

describe('applyWorkflowEvent', () => {
  it('updates a newer copy in every list in place, and merges it into the detail keeping its steps', () => {
    const client = new QueryClient()
    seedList(client, [summary('a', 1), summary('b', 1)])
    const steps = [{ order: 1, name: 'One', completed: false }]
    client.setQueryData(workflowKeys.detail('a'), { ...summary('a', 1), steps } as Workflow)
    const invalidate = vi.spyOn(client, 'invalidateQueries')

    applyWorkflowEvent(client, {
      event: 'workflow_step_advanced',
      tenant_id: 'demo',
      at: 'now',
      workflow: { ...summary('a', 2), current_step: 1, title: 'Renamed' },
    })

    expect(listed(client)[0]).toMatchObject({
      id: 'a',
      version: 2,
      current_step: 1,
      title: 'Renamed',
    })
    expect(listed(client, { status: 'pending' })[0]!.version).toBe(2)
    expect(listed(client)[1]!.version).toBe(1)
    const detail = client.getQueryData<Workflow>(workflowKeys.detail('a'))!
    expect(detail).toMatchObject({ version: 2, current_step: 1, steps })
    expect(invalidate).toHaveBeenCalledWith({ queryKey: workflowKeys.detail('a'), exact: true })
    // A step advance does not change list membership: lists are only marked stale.
    expect(invalidate).toHaveBeenCalledWith({ queryKey: workflowKeys.lists(), refetchType: 'none' })
  })

  it('never replaces a newer copy with an older event', () => {
    const client = new QueryClient()
    seedList(client, [summary('a', 5)])
    applyWorkflowEvent(client, {
      event: 'workflow_updated',
      tenant_id: 'demo',
      at: 'now',
      workflow: summary('a', 4, { title: 'stale' }),
    })
    expect(listed(client)[0]!.version).toBe(5)
    expect(listed(client)[0]!.title).toBe('W a')
  })

  it('refetches active lists when a workflow appears or changes status', () => {
    const client = new QueryClient()
    const invalidate = vi.spyOn(client, 'invalidateQueries')
    applyWorkflowEvent(client, {
      event: 'workflow_created',
      tenant_id: 'demo',
      at: 'now',
      workflow: summary('new', 1),
    })
    expect(invalidate).toHaveBeenCalledWith({
      queryKey: workflowKeys.lists(),
      refetchType: 'active',
    })
    expect(invalidate).toHaveBeenCalledWith({ queryKey: workflowKeys.stats() })
  })
})

describe('storeWorkflow', () => {
  it('stores a mutation’s answer as the detail and drops its steps from lists', () => {
    const client = new QueryClient()
    seedList(client, [summary('a', 1)])
    const full = {
      ...summary('a', 2),
      steps: [{ order: 1, name: 'x', completed: true }],
    } as WorkflowDetail
    storeWorkflow(client, full)
    expect(client.getQueryData(workflowKeys.detail('a'))).toEqual(full)
    expect(listed(client)[0]).not.toHaveProperty('steps')
    expect(listed(client)[0]!.version).toBe(2)
  })
})

describe('isWorkflowEvent', () => {
  it('accepts workflow events only', () => {
    expect(isWorkflowEvent({ event: 'workflow_created', workflow: { id: 'a', version: 1 } })).toBe(
      true,
    )
    expect(isWorkflowEvent({ event: 'ping' })).toBe(false)
    expect(isWorkflowEvent({ event: 'workflow_created', workflow: { id: 'a' } })).toBe(false)
    expect(isWorkflowEvent(null)).toBe(false)
  })
})
