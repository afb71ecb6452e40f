import { expect, expectAccessible, signIn, test, uniqueTitle, type WorkflowLike } from './fixtures'

/** Step 2 of `emergency_replacement` ("Approve Replacement") is an approval (contract §10). */
const APPROVAL = 1

test.describe('workflow lifecycle', () => {
  test('walk one to completion, with the history of every step', async ({ page, adminApi }) => {
    const title = uniqueTitle('E2E walk')
    const created = await adminApi.createFromTemplate('emergency_replacement', { title })
    await signIn(page, 'admin')
    await page.goto(`/workflows/${created.id}`)
    await expect(page.getByTestId('workflow-title')).toHaveText(title)
    await expect(page.getByTestId('status')).toHaveText('Pending')
    await expect(page.getByRole('button', { name: /Complete step/ })).toHaveCount(0)

    await page.getByRole('button', { name: 'Start workflow' }).click()
    await expect(page.getByTestId('status')).toHaveText('In progress')
    const steps = page.getByTestId('step')
    await expect(steps.nth(0)).toHaveAttribute('data-state', 'active')
    await expect(page.getByRole('button', { name: 'Complete workflow' })).toHaveCount(0)

    for (let done = 0; done < created.total_steps; done++) {
      if (done === APPROVAL) {
        // An approval is approved, not completed.
        await expect(page.getByTestId('advance')).toHaveCount(0)
        await page.getByTestId('approve').click()
        const dialog = page.getByRole('dialog', { name: `Approve step ${done + 1}?` })
        await dialog.getByRole('button', { name: 'Approve' }).click()
        await expect(dialog).toBeHidden()
        await expect(steps.nth(done).getByTestId('decision')).toContainText('Approved by')
      } else {
        const advance = page.getByTestId('advance')
        await expect(advance).toContainText(`Complete step ${done + 1}`)
        await advance.click()
      }
      await expect(steps.nth(done)).toHaveAttribute('data-state', 'done')
      await expect(steps.nth(done)).toContainText('Done by')
      if (done + 1 < created.total_steps)
        await expect(steps.nth(done + 1)).toHaveAttribute('data-state', 'active')
    }
    await expect(page.getByTestId('advance')).toHaveCount(0)
    await expect(page.getByText('Every step is done.')).toBeVisible()
    await page.getByRole('button', { name: 'Complete workflow' }).click()
    await expect(page.getByTestId('status')).toHaveText('Completed')
    await expect(page.getByRole('button', { name: 'Cancel workflow' })).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Edit' })).toHaveCount(0)

    const history = page.getByTestId('history')
    await expect(history.getByText('Completed', { exact: true })).toBeVisible()
    await expect(history.getByText('Started', { exact: true })).toBeVisible()
    await expect(history.getByText('Created', { exact: true })).toBeVisible()

    const fresh = await adminApi.get<WorkflowLike>(`/api/v1/workflows/${created.id}`)
    expect(fresh.status).toBe('completed')
    expect(fresh.current_step).toBe(created.total_steps)
  })

  test('an admin approves the approval step of an emergency replacement', async ({
    page,
    adminApi,
  }) => {
    const created = await adminApi.createFromTemplate('emergency_replacement', {
      title: uniqueTitle('E2E approve'),
    })
    await adminApi.post(`/api/v1/workflows/${created.id}/start`)
    await adminApi.completeStep(created.id, 0)
    await signIn(page, 'admin')
    await page.goto(`/workflows/${created.id}`)
    const step = page.getByTestId('step').nth(APPROVAL)
    await expect(step).toHaveAttribute('data-state', 'active')
    await expect(step.getByTestId('approval')).toHaveText('Approval')
    await expect(page.getByTestId('advance')).toHaveCount(0)
    await expect(page.getByTestId('skip')).toHaveCount(0)
    await expect(page.getByTestId('reject')).toBeVisible()

    await page.getByTestId('approve').click()
    const dialog = page.getByRole('dialog', { name: 'Approve step 2?' })
    await dialog.getByLabel('Comment (optional)').fill('Within the repair budget')
    await expectAccessible(page, 'approve dialog')
    const sent = page.waitForRequest((r) => r.url().endsWith('/approve'))
    await dialog.getByRole('button', { name: 'Approve' }).click()
    expect((await sent).postDataJSON()).toEqual({
      expected_step: 1,
      comment: 'Within the repair budget',
    })
    await expect(dialog).toBeHidden()
    await expect(step).toHaveAttribute('data-state', 'done')
    await expect(step.getByTestId('decision')).toContainText('Approved by')
    await expect(step.getByTestId('decision')).toContainText('Within the repair budget')
    await expect(page.getByTestId('step').nth(APPROVAL + 1)).toHaveAttribute('data-state', 'active')
    await expect(page.getByTestId('advance')).toContainText('Complete step 3')

    const fresh = await adminApi.get<
      WorkflowLike & { steps: { decision?: { outcome: string } }[] }
    >(`/api/v1/workflows/${created.id}`)
    expect(fresh.current_step).toBe(2)
    expect(fresh.steps[APPROVAL]?.decision?.outcome).toBe('approved')
  })

  test('cancel needs a reason, checked before sending', async ({ page, adminApi }) => {
    const created = await adminApi.createFromTemplate('new_employee', {
      title: uniqueTitle('E2E cancel'),
    })
    await signIn(page, 'admin')
    await page.goto(`/workflows/${created.id}`)
    await page.getByRole('button', { name: 'Cancel workflow' }).click()
    const dialog = page.getByRole('dialog', { name: 'Cancel this workflow?' })
    let sent = false
    page.on('request', (r) => r.url().endsWith('/cancel') && (sent = true))
    await dialog.getByLabel('Reason').fill('   ')
    await dialog.getByRole('button', { name: 'Cancel workflow' }).click()
    await expect(dialog.getByText('Please say why this workflow is cancelled.')).toBeVisible()
    expect(sent).toBe(false)

    await dialog.getByLabel('Reason').fill('The hire withdrew their acceptance')
    await dialog.getByRole('button', { name: 'Cancel workflow' }).click()
    await expect(dialog).toBeHidden()
    await expect(page.getByTestId('status')).toHaveText('Cancelled')
    await expect(page.getByTestId('cancel-reason')).toContainText(
      'The hire withdrew their acceptance',
    )
    await expect(page.getByRole('button', { name: 'Start workflow' })).toHaveCount(0)
  })

  test('edit sends If-Match and shows the change', async ({ page, adminApi }) => {
    const created = await adminApi.createFromTemplate('incoming_hardware', {
      title: uniqueTitle('E2E edit'),
    })
    await signIn(page, 'admin')
    await page.goto(`/workflows/${created.id}`)
    await page.getByRole('button', { name: 'Edit' }).click()
    const dialog = page.getByRole('dialog', { name: 'Edit workflow' })
    const renamed = uniqueTitle('E2E edited')
    await dialog.getByLabel('Title').fill(renamed)
    await dialog.getByLabel('Priority').selectOption('low')
    const patch = page.waitForRequest((r) => r.method() === 'PATCH')
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    const request = await patch
    expect(request.headers()['if-match']).toBe(`"${created.version}"`)
    expect(request.postDataJSON()).toEqual({ title: renamed, priority: 'low' })
    await expect(dialog).toBeHidden()
    await expect(page.getByTestId('workflow-title')).toHaveText(renamed)
    await expect(page.getByTestId('history').getByText('Edited', { exact: true })).toBeVisible()
  })
})

test.describe('step notes on a phone', () => {
  test.use({ viewport: { width: 375, height: 740 } })

  test('notes stay collapsed per step; the form opens on demand', async ({ page, adminApi }) => {
    const created = await adminApi.createFromTemplate('emergency_replacement', {
      title: uniqueTitle('E2E notes'),
    })
    await signIn(page, 'admin')
    await page.goto(`/workflows/${created.id}`)
    const first = page.getByTestId('step').nth(0)
    await expect(page.getByRole('button', { name: /^Add note/ })).toHaveCount(0)
    await expect(page.getByTestId('notes-toggle')).toHaveCount(created.total_steps)

    await first.getByTestId('notes-toggle').click()
    await first.getByRole('button', { name: /^Add note/ }).click()
    await first.getByLabel('Note').fill('Courier booked for 3 pm')
    await first.getByRole('button', { name: 'Add note' }).click()
    await expect(first.getByTestId('step-note')).toContainText('Courier booked for 3 pm')
    await expect(first.getByTestId('notes-toggle')).toContainText('Notes (1)')
    await expectAccessible(page, 'notes')
  })
})
