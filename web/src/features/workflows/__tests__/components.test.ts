import { mount, RouterLinkStub } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { Step, WorkflowSummary } from '@/api/types'
import WorkflowCard from '../components/WorkflowCard.vue'
import StepList from '../components/StepList.vue'
import StepsBuilder from '../components/StepsBuilder.vue'
import type { DraftStep } from '../draft'

const global = { stubs: { RouterLink: RouterLinkStub } }

describe('WorkflowCard', () => {
  it('shows title, type, progress, people and an overdue due date', () => {
    const wrapper = mount(WorkflowCard, {
      global,
      props: {
        workflow: {
          id: 'w1',
          title: 'Collect equipment from Tom',
          workflow_type: 'offboarding',
          status: 'in_progress',
          priority: 'high',
          current_step: 2,
          total_steps: 6,
          due_date: '2020-01-01',
          assigned_to: 'it@demo.example',
          employee: { id: 'e', first_name: 'Tom', last_name: 'Becker', email: 't@x' },
          asset: { id: 'a', name: 'MacBook', asset_tag: 'LT-1', category: 'laptop' },
        } as WorkflowSummary,
      },
    })
    expect(wrapper.text()).toContain('Collect equipment from Tom')
    expect(wrapper.text()).toContain('Offboarding')
    expect(wrapper.text()).toContain('Tom Becker')
    expect(wrapper.text()).toContain('MacBook')
    expect(wrapper.get('[data-testid="progress"]').text()).toBe('2/6')
    expect(wrapper.get('[data-testid="due"]').text()).toContain('Overdue')
    expect(wrapper.classes()).toContain('overdue')
    expect(wrapper.getComponent(RouterLinkStub).props('to')).toEqual({
      name: 'workflow',
      params: { id: 'w1' },
    })
  })
})

describe('StepList', () => {
  const steps: Step[] = [
    {
      order: 1,
      name: 'Receive',
      completed: true,
      completed_by: 'admin@demo.example',
      completed_at: '2026-11-25T09:00:00Z',
    },
    {
      order: 2,
      name: 'Inspect',
      completed: false,
      instructions: 'Check the seal.',
      started_at: '2026-11-25T09:00:00Z',
    },
    { order: 3, name: 'Register', completed: false },
  ]

  it('highlights the active step (steps[current_step]) and says who did the done ones', async () => {
    const wrapper = mount(StepList, { props: { steps, currentStep: 1, status: 'in_progress' } })
    const items = wrapper.findAll('[data-testid="step"]')
    expect(items.map((i) => i.attributes('data-state'))).toEqual(['done', 'active', 'todo'])
    expect(items[1]!.attributes('aria-current')).toBe('step')
    expect(items[0]!.text()).toContain('Done by admin@demo.example')

    const toggle = items[1]!.get('button')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    await toggle.trigger('click')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    expect(items[1]!.get('#instructions-2').isVisible()).toBe(true)
  })

  it('has no active step while pending', () => {
    const wrapper = mount(StepList, {
      props: {
        steps: steps.map((s) => ({ ...s, completed: false })),
        currentStep: 0,
        status: 'pending',
      },
    })
    expect(wrapper.findAll('[data-state="active"]')).toHaveLength(0)
  })

  it("separates a step's facts with dots only between them", () => {
    const dated: Step[] = [
      { order: 1, name: 'Train', completed: false, due_date: '2026-12-08' },
      {
        order: 2,
        name: 'Follow up',
        completed: false,
        assigned_to: 'it@demo.example',
        due_date: '2026-12-08',
      },
    ]
    const wrapper = mount(StepList, { props: { steps: dated, currentStep: 0, status: 'pending' } })
    const facts = wrapper.findAll('[data-testid="step"]').map((item) => item.get('.meta').text())
    expect(facts[0]).toMatch(/^Due /)
    expect(facts[1]).toMatch(/^Assigned to it@demo\.example · Due /)
  })
})

describe('StepsBuilder', () => {
  const initial: DraftStep[] = [
    { key: 1, name: 'A', description: '', instructions: '' },
    { key: 2, name: 'B', description: '', instructions: '' },
  ]

  it('adds, moves and removes steps', async () => {
    let model = initial
    const wrapper = mount(StepsBuilder, {
      attachTo: document.body,
      props: {
        modelValue: model,
        'onUpdate:modelValue': (v: DraftStep[]) => wrapper.setProps({ modelValue: (model = v) }),
      },
    })
    await wrapper.get('button[aria-label="Move step 2 up"]').trigger('click')
    expect(model.map((s) => s.name)).toEqual(['B', 'A'])
    await wrapper
      .findAll('button')
      .find((b) => b.text() === '+ Add step')!
      .trigger('click')
    expect(model).toHaveLength(3)
    await wrapper.get('button[aria-label="Remove step 1"]').trigger('click')
    expect(model.map((s) => s.name)).toEqual(['A', ''])
    expect(wrapper.get('button[aria-label="Move step 1 up"]').attributes('disabled')).toBeDefined()
    wrapper.unmount()
  })
})
