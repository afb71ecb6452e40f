import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import ActionTextDialog from '../components/ActionTextDialog.vue'

// happy-dom's <dialog> lacks showModal in some versions: give it one.
HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
  this.setAttribute('open', '')
}
HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
  this.removeAttribute('open')
}

describe('ActionTextDialog', () => {
  it('asks for a cancel reason before it lets the cancel through', async () => {
    const wrapper = mount(ActionTextDialog, {
      attachTo: document.body,
      props: { action: 'cancel', open: false, pending: false },
    })
    await wrapper.setProps({ open: true })
    const form = wrapper.get('form')
    await form.trigger('submit')
    expect(wrapper.emitted('confirm')).toBeUndefined()
    expect(wrapper.text()).toContain('Please say why this workflow is cancelled.')
    expect(wrapper.get('textarea').attributes('aria-invalid')).toBe('true')

    await wrapper.get('textarea').setValue('  Hire withdrew  ')
    await form.trigger('submit')
    expect(wrapper.emitted('confirm')).toEqual([['Hire withdrew']])
    wrapper.unmount()
  })

  it('lets an approval through without a comment, but not a rejection', async () => {
    const approve = mount(ActionTextDialog, {
      attachTo: document.body,
      props: {
        action: 'approve',
        order: 2,
        stepName: 'Approve budget',
        open: true,
        pending: false,
      },
    })
    expect(approve.text()).toContain('Approve step 2?')
    await approve.get('form').trigger('submit')
    expect(approve.emitted('confirm')).toEqual([['']])
    approve.unmount()

    const reject = mount(ActionTextDialog, {
      attachTo: document.body,
      props: { action: 'reject', order: 2, stepName: 'Approve budget', open: true, pending: false },
    })
    await reject.get('form').trigger('submit')
    expect(reject.emitted('confirm')).toBeUndefined()
    expect(reject.text()).toContain('Please give a comment.')
    await reject.get('textarea').setValue('x'.repeat(1001))
    await reject.get('form').trigger('submit')
    expect(reject.emitted('confirm')).toBeUndefined()
    expect(reject.text()).toContain('At most 1000 characters (now 1001).')
    reject.unmount()
  })

  it('shows the API’s message for the text', async () => {
    const wrapper = mount(ActionTextDialog, {
      attachTo: document.body,
      props: { action: 'skip', order: 1, stepName: 'Ship', open: true, pending: false },
    })
    await wrapper.setProps({ serverError: 'reason contains control characters' })
    expect(wrapper.text()).toContain('reason contains control characters')
    wrapper.unmount()
  })
})
