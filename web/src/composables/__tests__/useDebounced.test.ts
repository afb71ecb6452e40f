import { afterEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref, watch } from 'vue'
import { useDebouncedInput } from '../useDebounced'

afterEach(() => vi.useRealTimers())

describe('useDebouncedInput', () => {
  it('settles after the delay, and not at all once cancelled', async () => {
    vi.useFakeTimers()
    const scope = effectScope()
    const source = ref('')
    const seen: string[] = []
    const { settled, cancel } = scope.run(() => {
      const debounced = useDebouncedInput(source, 150)
      watch(debounced.settled, (value) => seen.push(value), { flush: 'sync' })
      return debounced
    })!
    source.value = 'lap'
    await nextTick()
    vi.advanceTimersByTime(100)
    expect(settled.value).toBe('')
    vi.advanceTimersByTime(50)
    expect(seen).toEqual(['lap'])

    // Typed, then the page is left before it settled: the change is dropped (settling it would
    // replace the URL under the navigation away).
    source.value = 'laptop'
    await nextTick()
    cancel()
    vi.advanceTimersByTime(1000)
    expect(seen).toEqual(['lap'])
    expect(settled.value).toBe('lap')
    scope.stop()
  })
})
