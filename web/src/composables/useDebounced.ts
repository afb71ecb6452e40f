import { onScopeDispose, ref, watch, type Ref } from 'vue'
import { onBeforeRouteLeave } from 'vue-router'

/** A copy of `source` that follows it `delay` ms after its last change (search as you type). */
export function useDebounced<T>(source: Ref<T>, delay = 250): Readonly<Ref<T>> {
  return useDebouncedInput(source, delay).settled
}

/** `useDebounced`, with `cancel` to drop a change that has not settled yet. */
export function useDebouncedInput<T>(
  source: Ref<T>,
  delay = 250,
): { settled: Readonly<Ref<T>>; cancel: () => void } {
  const settled = ref(source.value) as Ref<T>
  let timer: ReturnType<typeof setTimeout> | undefined
  watch(source, (value) => {
    clearTimeout(timer)
    timer = setTimeout(() => (settled.value = value), delay)
  })
  const cancel = () => clearTimeout(timer)
  onScopeDispose(cancel)
  return { settled, cancel }
}

/**
 * `useDebounced` for a text box whose settled value goes into the URL's query. Leaving the page
 * drops a change still settling: its URL replace would come while the navigation away waits
 * (for the next page's code, say), and Vue Router lets the newest navigation win, so a card
 * clicked right after typing would not open.
 */
export function useDebouncedQueryInput<T>(source: Ref<T>, delay = 250): Readonly<Ref<T>> {
  const { settled, cancel } = useDebouncedInput(source, delay)
  onBeforeRouteLeave(cancel)
  return settled
}
