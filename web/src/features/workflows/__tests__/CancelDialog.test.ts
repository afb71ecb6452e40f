import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import CancelDialog from '../components/CancelDialog.vue'

// happy-dom's <dialog> lacks showModal in some versions: give it one.
HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
  this.setAttribute('open', '')
}
HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
  this.removeAttribute('open')
}

describe('CancelDialog', () => {
  it('asks for a reason before it lets the cancel through', async () => {
    const wrapper = mount(CancelDialog, {
      attachTo: document.body,
      props: { open: false, pending: false },
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

  it('shows the API’s message for the reason', async () => {
    const wrapper = mount(CancelDialog, {
      attachTo: document.body,
      props: { open: true, pending: false },
    })
    await wrapper.setProps({ serverError: 'reason contains control characters' })
    expect(wrapper.text()).toContain('reason contains control characters')
    wrapper.unmount()
  })
})
