import { computed, type WritableComputedRef } from 'vue'
import { useRoute, useRouter } from 'vue-router'

/** A filter kept in the URL's query string (`?status=…`): reading it, and replacing it. */
export function useQueryParam<T extends string>(name: string): WritableComputedRef<T | undefined> {
  const route = useRoute()
  const router = useRouter()
  return computed<T | undefined>({
    get: () => (typeof route.query[name] === 'string' ? (route.query[name] as T) : undefined),
    set: (value) => void router.replace({ query: { ...route.query, [name]: value || undefined } }),
  })
}
