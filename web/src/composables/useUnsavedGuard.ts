import { onBeforeUnmount, onMounted, type Ref } from 'vue'
import { onBeforeRouteLeave } from 'vue-router'

const QUESTION = 'You have unsaved changes. Leave without saving?'

/** Asks before a dirty form is left (route change, tab close); returns the same check for dialogs. */
export function useUnsavedGuard(dirty: Ref<boolean>): { confirmDiscard: () => boolean } {
  const confirmDiscard = () => !dirty.value || window.confirm(QUESTION)
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (dirty.value) event.preventDefault()
  }
  onMounted(() => window.addEventListener('beforeunload', onBeforeUnload))
  onBeforeUnmount(() => window.removeEventListener('beforeunload', onBeforeUnload))
  onBeforeRouteLeave(() => confirmDiscard())
  return { confirmDiscard }
}
