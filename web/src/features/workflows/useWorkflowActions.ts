import { computed, ref, type MaybeRefOrGetter, toValue } from 'vue'
import { ApiError, describeError } from '@/api/errors'
import type { Workflow, WorkflowPatch } from '@/api/types'
import { actionCopy, type TextAction } from './actionCopy'
import { useAddNote, useUpdateWorkflow, useWorkflowTransition, type Transition } from './queries'

/** What the last action ran into: a lost race, or another refusal. */
export interface ActionNotice {
  kind: 'conflict' | 'error'
  text: string
}

/**
 * The actions people take on one workflow (the workflow page's, or a task's on the tasks page):
 * transitions, the one text dialog (cancel, approve, reject, skip), notes and edits, with what
 * went wrong as a notice (a 422 of the open dialog stays on its field instead).
 */
export function useWorkflowActions(workflow: MaybeRefOrGetter<Workflow | undefined>) {
  const transition = useWorkflowTransition(workflow)
  const update = useUpdateWorkflow(workflow)
  const addNote = useAddNote(workflow)
  const notice = ref<ActionNotice | null>(null)
  /** The open text dialog's action, if any. */
  const dialog = ref<TextAction | null>(null)
  /** The text dialog's `v-model:open`: closing it forgets the action. */
  const dialogOpen = computed({
    get: () => dialog.value !== null,
    set: (open: boolean) => {
      if (!open) dialog.value = null
    },
  })

  function report(error: unknown) {
    notice.value =
      error instanceof ApiError && error.isConflict
        ? {
            kind: 'conflict',
            text: 'This workflow was changed by someone else meanwhile. You are now seeing its latest state; check it and try again if still needed.',
          }
        : { kind: 'error', text: describeError(error) }
  }

  function run(t: Transition, after?: () => void) {
    notice.value = null
    transition.mutate(t, {
      onSuccess: () => after?.(),
      onError: (error) => {
        // A 422 of a text the dialog sent stays on the dialog's field.
        const fromDialog = t.action !== 'start' && t.action !== 'complete' && t.action !== 'advance'
        if (fromDialog && error instanceof ApiError && error.status === 422) return
        after?.()
        report(error)
      },
    })
  }

  function advance() {
    const current = toValue(workflow)
    if (current) run({ action: 'advance', expectedStep: current.current_step })
  }

  /** Sends the open dialog's action with its text. */
  function confirm(text: string) {
    const action = dialog.value
    const current = toValue(workflow)
    if (!action || !current) return
    const expectedStep = current.current_step
    const close = () => (dialog.value = null)
    if (action === 'cancel') run({ action, reason: text }, close)
    else if (action === 'approve') run({ action, expectedStep, comment: text || undefined }, close)
    else if (action === 'reject') run({ action, expectedStep, comment: text }, close)
    else run({ action, expectedStep, reason: text }, close)
  }

  /** The API's 422 on the open dialog's text. */
  const dialogError = computed(() => {
    const error = transition.error.value
    if (!dialog.value || !(error instanceof ApiError) || error.status !== 422) return undefined
    const field = actionCopy(dialog.value, 0, '').field
    return error.fieldErrors[field]?.join(' ') ?? error.detail
  })

  function note(order: number, text: string, done: () => void) {
    notice.value = null
    addNote.mutate({ order, text }, { onSuccess: done, onError: report })
  }

  function save(patch: WorkflowPatch, done: () => void) {
    notice.value = null
    update.mutate(patch, {
      onSuccess: done,
      onError: (error) => {
        if (error instanceof ApiError && error.status === 422) return
        done()
        report(error)
      },
    })
  }

  return {
    transition,
    update,
    addNote,
    notice,
    dialog,
    dialogOpen,
    dialogError,
    run,
    advance,
    confirm,
    note,
    save,
  }
}
