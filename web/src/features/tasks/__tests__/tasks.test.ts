import { mount, RouterLinkStub } from '@vue/test-utils'
import { QueryClient } from '@tanstack/vue-query'
import { describe, expect, it, vi } from 'vitest'
import type { Task, WorkflowSummary } from '@/api/types'
import { formatDate, todayIso } from '@/composables/format'
import { taskActions } from '@/features/auth/permissions'
import { applyWorkflowEvent } from '@/features/workflows/cache'
import { workflowKeys } from '@/features/workflows/keys'
import { isStepOverdue } from '@/features/workflows/labels'
import TaskCard from '../components/TaskCard.vue'

const admin = { role: 'admin' as const, email: 'admin@x.example', team: null }
const manager = { role: 'manager' as const, email: 'sam@x.example', team: 'design' }
const user = { role: 'user' as const, email: 'priya@x.example', team: null }

function task(over: Partial<Task['step']> = {}, workflow: Partial<WorkflowSummary> = {}): Task {
  return {
    workflow: {
      id: 'w1',
      version: 3,
      title: 'Replace cracked iPhone',
      workflow_type: 'repair',
      priority: 'urgent',
      status: 'in_progress',
      current_step: 1,
      total_steps: 4,
      team: 'design',
      assigned_to: 'it@x.example',
      ...workflow,
    },
    step: {
      order: 2,
      name: 'Approve replacement',
      completed: false,
      kind: 'task',
      assigned_to: 'priya@x.example',
      due_date: '2099-01-01',
      ...over,
    },
  } as Task
}

describe('isStepOverdue', () => {
  const now = new Date('2026-12-01T12:00:00Z')
  it('is overdue past its due date, or running over twice its estimate', () => {
    expect(isStepOverdue({ completed: false, due_date: '2026-11-30' }, '2026-12-01', now)).toBe(
      true,
    )
    expect(isStepOverdue({ completed: false, due_date: '2026-12-01' }, '2026-12-01', now)).toBe(
      false,
    )
    const started = { completed: false, started_at: '2026-12-01T07:00:00Z' }
    expect(isStepOverdue({ ...started, estimated_hours: 2 }, '2026-12-01', now)).toBe(true)
    expect(isStepOverdue({ ...started, estimated_hours: 3 }, '2026-12-01', now)).toBe(false)
    expect(isStepOverdue({ ...started, due_date: '2020-01-01', completed: true })).toBe(false)
  })
})

describe('taskActions', () => {
  it('lets the assignee advance a task step or decide an approval, and admins both', () => {
    expect(taskActions(user, task())).toEqual({ advance: true, decide: false })
    expect(taskActions(user, task({ kind: 'approval' }))).toEqual({ advance: false, decide: true })
    expect(taskActions(admin, task({ kind: 'approval', assigned_to: 'x@x.example' }))).toEqual({
      advance: false,
      decide: true,
    })
    // A manager in scope works on a task step but does not decide someone else's approval.
    expect(taskActions(manager, task({ assigned_to: 'x@x.example' }))).toEqual({
      advance: true,
      decide: false,
    })
    expect(taskActions(manager, task({ kind: 'approval', assigned_to: 'x@x.example' }))).toEqual({
      advance: false,
      decide: false,
    })
    expect(taskActions(user, task({ assigned_to: 'x@x.example' }))).toEqual({
      advance: false,
      decide: false,
    })
  })
})

describe('TaskCard', () => {
  const global = { stubs: { RouterLink: RouterLinkStub } }

  it('shows the workflow, the step, its due date highlighted when overdue, and its actions', async () => {
    const wrapper = mount(TaskCard, {
      global,
      props: {
        task: task({ kind: 'approval', due_date: '2020-01-02' }),
        can: { advance: false, decide: true },
        busy: false,
      },
    })
    expect(wrapper.text()).toContain('Approve replacement')
    expect(wrapper.text()).toContain('Step 2 of 4')
    expect(wrapper.text()).toContain('Replace cracked iPhone')
    expect(wrapper.text()).toContain('Repair')
    expect(wrapper.text()).toContain('Urgent')
    expect(wrapper.text()).toContain('Approval')
    expect(wrapper.get('[data-testid="task-due"]').text()).toContain('Overdue')
    expect(wrapper.classes()).toContain('overdue')
    const buttons = wrapper.findAll('button').map((b) => b.text())
    expect(buttons).toEqual(['Approve', 'Reject'])
    await wrapper.findAll('button')[1]!.trigger('click')
    expect(wrapper.emitted('reject')).toHaveLength(1)
    expect(wrapper.getComponent(RouterLinkStub).props('to')).toEqual({
      name: 'workflow',
      params: { id: 'w1' },
    })
  })

  it('says "Due today" for a step due today', () => {
    const wrapper = mount(TaskCard, {
      global,
      props: {
        task: task({ due_date: todayIso() }),
        can: { advance: true, decide: false },
        busy: false,
      },
    })
    const due = wrapper.get('[data-testid="task-due"]')
    expect(due.text()).toBe('Due today')
    expect(due.classes()).toContain('due-today')
    expect(wrapper.classes()).not.toContain('overdue')
  })

  it('offers "Mark done" on a task step, disabled while another action runs', () => {
    const wrapper = mount(TaskCard, {
      global,
      props: { task: task(), can: { advance: true, decide: false }, busy: true },
    })
    expect(wrapper.get('[data-testid="task-due"]').text()).not.toContain('Overdue')
    expect(wrapper.get('[data-testid="task-due"]').text()).toContain(
      `Due ${formatDate('2099-01-01')}`,
    )
    const button = wrapper.get('button')
    expect(button.text()).toBe('Mark done')
    expect(button.attributes('disabled')).toBeDefined()
  })
})

describe('live events and tasks', () => {
  it('refetch the tasks lists and the count after any workflow change', () => {
    const client = new QueryClient()
    const invalidate = vi.spyOn(client, 'invalidateQueries')
    applyWorkflowEvent(client, {
      event: 'workflow_step_advanced',
      tenant_id: 'demo',
      at: 'now',
      workflow: task().workflow,
    })
    expect(invalidate).toHaveBeenCalledWith({ queryKey: workflowKeys.tasks() })
    expect(workflowKeys.taskCount().slice(0, 2)).toEqual(workflowKeys.tasks())
    expect(workflowKeys.taskList({ overdue: true }).slice(0, 2)).toEqual(workflowKeys.tasks())
  })
})
