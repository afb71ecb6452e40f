import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import StepNotes from '../components/StepNotes.vue'

const notes = [
  { id: 'n1', author: 'sam@x.example', text: 'Courier booked', at: '2026-11-30T10:00:00Z' },
  { id: 'n2', author: 'it@x.example', text: 'Arrives Tuesday', at: '2026-11-30T11:00:00Z' },
]

describe('StepNotes', () => {
  it('keeps the notes behind one toggle, and the form behind "Add note"', async () => {
    const wrapper = mount(StepNotes, {
      attachTo: document.body,
      props: { order: 2, notes, canAdd: true, pending: false },
    })
    const toggle = wrapper.get('[data-testid="notes-toggle"]')
    expect(toggle.text()).toContain('Notes (2)')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    expect(wrapper.get('#notes-2').isVisible()).toBe(false)
    expect(wrapper.find('form').exists()).toBe(false)

    await toggle.trigger('click')
    expect(wrapper.get('#notes-2').isVisible()).toBe(true)
    expect(wrapper.findAll('[data-testid="step-note"]').map((n) => n.text())).toEqual([
      expect.stringContaining('Courier booked'),
      expect.stringContaining('Arrives Tuesday'),
    ])
    expect(wrapper.find('form').exists()).toBe(false)

    await wrapper
      .findAll('button')
      .find((b) => b.text().startsWith('Add note'))!
      .trigger('click')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('add')).toBeUndefined()
    expect(wrapper.text()).toContain('Please write the note.')
    await wrapper.get('textarea').setValue('  Signed for  ')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('add')?.[0]?.[0]).toBe('Signed for')
    wrapper.unmount()
  })

  it('shows nothing on a closed workflow’s step without notes', () => {
    const wrapper = mount(StepNotes, {
      props: { order: 1, notes: [], canAdd: false, pending: false },
    })
    expect(wrapper.find('[data-testid="notes-toggle"]').exists()).toBe(false)
  })
})
