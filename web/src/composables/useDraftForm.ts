import { computed, ref, watch, type Ref } from 'vue'
import { fieldErrorsFor } from '@/api/errors'

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

interface SaveHandlers<R> {
  onSuccess: (result: R) => void
  onError: (error: unknown) => void
}

interface DraftFormOptions<D, C extends object> {
  /** The dialog's open state: each opening starts from a fresh draft with no errors. */
  open: Ref<boolean>
  /** The draft as the form starts (from the record it edits, or empty). */
  initial: () => D
  /** What the draft changes against `before` (its initial value); empty when nothing did. */
  changes: (draft: D, before: D) => C
  /** The form's fields, for mapping the API's field errors (others go to `_form`). */
  fields: readonly string[]
}

/**
 * A dialog form's local draft: reset on opening, what it changes, whether it is dirty, the close
 * guard, and its errors (client checks through `check`, API answers through `fail`).
 */
export function useDraftForm<D, C extends object>(options: DraftFormOptions<D, C>) {
  const draft = ref(options.initial()) as Ref<D>
  const errors = ref<Record<string, string>>({})

  watch(options.open, (value) => {
    if (value) {
      draft.value = options.initial()
      errors.value = {}
    }
  })

  const changes = computed(() => options.changes(draft.value, options.initial()))
  const dirty = computed(() => Object.keys(changes.value).length > 0)

  /** Shows the client-side errors; true when there are none. */
  function check(found: Record<string, string>): boolean {
    errors.value = found
    return Object.keys(found).length === 0
  }

  /** Shows a failed submit's errors on their fields. */
  function fail(error: unknown) {
    errors.value = fieldErrorsFor(error, options.fields)
  }

  /**
   * After the client checks pass: an edit with no changes just closes; else `send` saves (a
   * mutation with these handlers), closing and handing over the result, or showing the errors.
   */
  function save<R>(
    editing: boolean,
    send: (handlers: SaveHandlers<R>) => void,
    saved: (result: R) => void,
  ) {
    if (editing && !dirty.value) {
      options.open.value = false
      return
    }
    send({
      onSuccess: (result) => {
        options.open.value = false
        saved(result)
      },
      onError: fail,
    })
  }

  const confirmClose = () => !dirty.value || window.confirm('Discard your changes?')

  return { draft, errors, changes, dirty, check, fail, save, confirmClose }
}
