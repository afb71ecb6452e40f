import { describe, expect, it } from 'vitest'
import type { Template } from '@/api/types'
import { bodyOf, draftOf, newTemplateBody, templateErrors } from '../draft'

const template = {
  key: 'contractor',
  source: 'tenant',
  version: 3,
  title: 'Contractor onboarding',
  description: 'For contractors',
  workflow_type: 'onboarding',
  priority: 'high',
  estimated_duration_days: 5,
  step_count: 2,
  steps: [
    { order: 1, name: 'Approve access', kind: 'approval', assignee: 'manager', due_offset_days: 0 },
    { order: 2, name: 'Ship laptop', assignee: 'it@x.example', estimated_hours: 1.5 },
  ],
} as Template

describe('the template draft', () => {
  it('round-trips a template into the body the API takes', () => {
    expect(bodyOf(draftOf(template))).toEqual({
      title: 'Contractor onboarding',
      description: 'For contractors',
      workflow_type: 'onboarding',
      priority: 'high',
      estimated_duration_days: 5,
      steps: [
        {
          name: 'Approve access',
          description: null,
          instructions: null,
          kind: 'approval',
          assignee: 'manager',
          due_offset_days: 0,
          estimated_hours: null,
        },
        {
          name: 'Ship laptop',
          description: null,
          instructions: null,
          kind: 'task',
          assignee: 'it@x.example',
          due_offset_days: null,
          estimated_hours: 1.5,
        },
      ],
    })
  })

  it('checks title, duration and every step before sending', () => {
    expect(templateErrors(draftOf(template))).toEqual({})
    const draft = draftOf(template)
    draft.title = ' '
    draft.estimated_duration_days = '0'
    draft.steps[0]!.name = ''
    draft.steps[1]!.assignee = 'boss'
    draft.steps[1]!.due_offset_days = '400'
    draft.steps[1]!.estimated_hours = '0'
    const errors = templateErrors(draft)
    expect(errors.title).toBeTruthy()
    expect(errors.estimated_duration_days).toBe('Between 1 and 365 days.')
    expect(errors.steps).toContain('step 1 needs a name')
    expect(errors.steps).toContain('step 2’s assignee'.replace('’', "'"))
    expect(errors.steps).toContain('due offset')
    expect(errors.steps).toContain('estimate')
  })

  it('makes a new template blank with one step, or based on another', () => {
    expect(newTemplateBody('c2', 'Copy', 'contractor')).toEqual({
      key: 'c2',
      based_on: 'contractor',
      title: 'Copy',
    })
    expect(newTemplateBody('c3', '', 'contractor')).toEqual({ key: 'c3', based_on: 'contractor' })
    const blank = newTemplateBody('c4', 'Blank one', '')
    expect(blank.steps).toHaveLength(1)
    expect(blank.title).toBe('Blank one')
  })
})
