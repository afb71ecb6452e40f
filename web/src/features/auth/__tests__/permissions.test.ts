import { describe, expect, it } from 'vitest'
import type { Workflow } from '@/api/types'
import {
  canCreateWorkflow,
  canEditSettings,
  canWriteDirectory,
  stepActions,
  workflowActions,
} from '../permissions'

const admin = { role: 'admin' as const, email: 'admin@x.example', team: null }
const manager = { role: 'manager' as const, email: 'sam@x.example', team: 'design' }
const user = { role: 'user' as const, email: 'priya@x.example', team: null }

function wf(over: Partial<Workflow> = {}): Workflow {
  return {
    status: 'in_progress',
    current_step: 1,
    total_steps: 3,
    team: 'design',
    assigned_to: 'priya@x.example',
    steps: [
      { order: 1, name: 'a', completed: true },
      { order: 2, name: 'b', completed: false, assigned_to: null },
      { order: 3, name: 'c', completed: false },
    ],
    ...over,
  } as Workflow
}

describe('workflowActions', () => {
  it('gives an admin every action that fits the state', () => {
    expect(workflowActions(admin, wf({ status: 'pending', current_step: 0 }))).toEqual({
      start: true,
      advance: false,
      complete: false,
      cancel: true,
      edit: true,
    })
    expect(workflowActions(admin, wf())).toEqual({
      start: false,
      advance: true,
      complete: false,
      cancel: true,
      edit: true,
    })
    expect(workflowActions(admin, wf({ current_step: 3 }))).toMatchObject({
      advance: false,
      complete: true,
    })
    expect(workflowActions(admin, wf({ status: 'completed', current_step: 3 }))).toEqual({
      start: false,
      advance: false,
      complete: false,
      cancel: false,
      edit: false,
    })
  })

  it('lets a manager act on their team’s work or work assigned to them, nothing else', () => {
    expect(workflowActions(manager, wf())).toMatchObject({
      advance: true,
      cancel: true,
      edit: true,
    })
    const otherTeam = wf({ team: 'sales', assigned_to: 'someone@x.example' })
    expect(workflowActions(manager, otherTeam)).toEqual({
      start: false,
      advance: false,
      complete: false,
      cancel: false,
      edit: false,
    })
    expect(
      workflowActions(manager, wf({ team: 'sales', assigned_to: 'sam@x.example' })),
    ).toMatchObject({ cancel: true })
  })

  it('lets a user only advance and complete what is assigned to them', () => {
    expect(workflowActions(user, wf())).toEqual({
      start: false,
      advance: true,
      complete: false,
      cancel: false,
      edit: false,
    })
    expect(workflowActions(user, wf({ current_step: 3 }))).toMatchObject({ complete: true })
    expect(workflowActions(user, wf({ status: 'pending', current_step: 0 }))).toEqual({
      start: false,
      advance: false,
      complete: false,
      cancel: false,
      edit: false,
    })
    expect(workflowActions(user, wf({ assigned_to: 'other@x.example' })).advance).toBe(false)
  })

  it('lets the person an active step is assigned to advance it (contract §10)', () => {
    const steps = wf().steps!.map((s) =>
      s.order === 2 ? { ...s, assigned_to: 'priya@x.example' } : s,
    )
    const w = wf({ assigned_to: 'it@x.example', team: 'it', steps })
    expect(workflowActions(user, w)).toMatchObject({
      advance: true,
      complete: false,
      cancel: false,
    })
  })

  it('refuses everything signed out', () => {
    expect(Object.values(workflowActions(null, wf())).some(Boolean)).toBe(false)
  })
})

describe('other permissions', () => {
  it('follow the roles of contract §2', () => {
    expect([admin, manager, user].map(canCreateWorkflow)).toEqual([true, true, false])
    expect([admin, manager, user].map(canWriteDirectory)).toEqual([true, true, false])
    expect([admin, manager, user].map(canEditSettings)).toEqual([true, false, false])
  })
})

describe('stepActions (contract §10)', () => {
  const approval = (assigned_to: string | null) =>
    wf({
      steps: wf().steps!.map((s) => (s.order === 2 ? { ...s, kind: 'approval', assigned_to } : s)),
    })

  it('lets the approver or an admin decide an approval step, never advance or skip it', () => {
    expect(stepActions(admin, approval(null))).toEqual({ decide: true, skip: false })
    expect(workflowActions(admin, approval(null)).advance).toBe(false)
    expect(stepActions(manager, approval('sam@x.example'))).toEqual({ decide: true, skip: false })
    expect(stepActions(manager, approval('other@x.example')).decide).toBe(false)
    expect(stepActions(user, approval(null)).decide).toBe(false)
  })

  it('lets admins and managers in scope skip a task step', () => {
    expect(stepActions(admin, wf())).toEqual({ decide: false, skip: true })
    expect(stepActions(manager, wf()).skip).toBe(true)
    expect(stepActions(manager, wf({ team: 'sales', assigned_to: 'x@x.example' })).skip).toBe(false)
    expect(stepActions(user, wf()).skip).toBe(false)
    expect(stepActions(admin, wf({ status: 'pending', current_step: 0 })).skip).toBe(false)
  })
})
