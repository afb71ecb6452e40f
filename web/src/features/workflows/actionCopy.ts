// What the one reason dialog says for each workflow action that takes a text (contract §3, §10).

export type TextAction = 'cancel' | 'approve' | 'reject' | 'skip'

export interface ActionCopy {
  title: string
  description: string
  /** The text's label; the API field it becomes is `field`. */
  label: string
  field: 'reason' | 'comment'
  required: boolean
  /** The message for an empty required text. */
  missing: string
  placeholder: string
  submit: string
  pending: string
  cancel: string
  danger: boolean
}

/** The copy of the dialog for `action` on the step `order` named `stepName`. */
export function actionCopy(action: TextAction, order: number, stepName: string): ActionCopy {
  switch (action) {
    case 'cancel':
      return {
        title: 'Cancel this workflow?',
        description: 'It stops here and cannot be resumed. The reason is kept in its history.',
        label: 'Reason',
        field: 'reason',
        required: true,
        missing: 'Please say why this workflow is cancelled.',
        placeholder: 'e.g. The hire withdrew their acceptance',
        submit: 'Cancel workflow',
        pending: 'Cancelling…',
        cancel: 'Keep it',
        danger: true,
      }
    case 'approve':
      return {
        title: `Approve step ${order}?`,
        description: `“${stepName}” is approved and the next step starts.`,
        label: 'Comment (optional)',
        field: 'comment',
        required: false,
        missing: '',
        placeholder: 'e.g. Within budget',
        submit: 'Approve',
        pending: 'Approving…',
        cancel: 'Back',
        danger: false,
      }
    case 'reject':
      return {
        title: `Reject step ${order}?`,
        description: `Rejecting “${stepName}” cancels the whole workflow. The comment is kept in its history.`,
        label: 'Comment',
        field: 'comment',
        required: true,
        missing: 'Please give a comment.',
        placeholder: 'e.g. Repair is cheaper than a replacement',
        submit: 'Reject',
        pending: 'Rejecting…',
        cancel: 'Back',
        danger: true,
      }
    case 'skip':
      return {
        title: `Skip step ${order}?`,
        description: `“${stepName}” counts as done without being done, and the next step starts.`,
        label: 'Reason',
        field: 'reason',
        required: true,
        missing: 'Please give a reason.',
        placeholder: 'e.g. Not needed for a loaner device',
        submit: 'Skip step',
        pending: 'Skipping…',
        cancel: 'Back',
        danger: false,
      }
  }
}
