import { onScopeDispose, ref, watch, type Ref } from 'vue'

/** A copy of `source` that follows it `delay` ms after its last change (search as you type). */
export function useDebounced<T>(source: Ref<T>, delay = 250): Readonly<Ref<T>> {
  const settled = ref(source.value) as Ref<T>
  let timer: ReturnType<typeof setTimeout> | undefined
  watch(source, (value) => {
    clearTimeout(timer)
    timer = setTimeout(() => (settled.value = value), delay)
  })
  onScopeDispose(() => clearTimeout(timer))
  return settled
}
