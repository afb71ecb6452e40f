import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import SearchPicker from '../SearchPicker.vue'

interface Person {
  id: string
  name: string
  email: string
}

const people: Person[] = [
  { id: '1', name: 'Maria Lopez', email: 'maria@x.example' },
  { id: '2', name: 'Tom Becker', email: 'tom@x.example' },
]

describe('SearchPicker', () => {
  afterEach(() => vi.useRealTimers())

  it('offers the records whose text holds what was typed, once typing settles', async () => {
    vi.useFakeTimers()
    const wrapper = mount(SearchPicker<Person>, {
      props: {
        id: 'who',
        modelValue: null,
        items: people,
        loading: false,
        placeholder: 'Search',
        searchText: (p: Person) => `${p.name} ${p.email}`,
        toOption: (p: Person) => ({ id: p.id, label: p.name, detail: p.email }),
      },
    })
    const options = () => wrapper.findAll('[role="option"]').map((o) => o.text())
    expect(options()).toHaveLength(2)
    await wrapper.get('input').setValue('TOM@')
    expect(options()).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(250)
    expect(options()).toEqual([expect.stringContaining('Tom Becker')])
  })
})
