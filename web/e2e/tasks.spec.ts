import { expect, signIn, test, uniqueTitle, type Api, type WorkflowLike } from './fixtures'

/** An emergency replacement whose first two steps (a task, then an approval) are `email`'s. */
async function replacementFor(adminApi: Api, email: string, start = true): Promise<WorkflowLike> {
  const w = await adminApi.createFromTemplate('emergency_replacement', {
    title: uniqueTitle('E2E task'),
  })
  await adminApi.patch(`/api/v1/workflows/${w.id}`, {
    steps: [
      { order: 1, assigned_to: email },
      { order: 2, assigned_to: email },
    ],
  })
  if (start) await adminApi.post(`/api/v1/workflows/${w.id}/start`)
  return w
}

test.describe('my tasks', () => {
  test('the assignee marks a step done and approves the next from the list', async ({
    page,
    adminApi,
    users,
  }) => {
    const w = await replacementFor(adminApi, users.user.email)
    await signIn(page, 'user')
    await expect(page.getByTestId('task-count')).toBeVisible()
    await page.getByRole('link', { name: /My tasks/ }).click()
    await expect(page.getByRole('heading', { name: 'My tasks' })).toBeVisible()

    const card = page.locator(`[data-testid="task"][data-workflow="${w.id}"]`)
    await expect(card).toContainText('Assess Situation')
    await expect(card).toContainText(w.title)
    await expect(card).toContainText('Urgent')
    await expect(card.getByRole('button', { name: 'Approve' })).toHaveCount(0)
    await card.getByRole('button', { name: 'Mark done' }).click()

    // The list refetches: the same workflow now waits on the approval, also Priya's.
    await expect(card).toContainText('Approve Replacement')
    await expect(card).toContainText('Approval')
    await expect(card.getByRole('button', { name: 'Mark done' })).toHaveCount(0)
    await card.getByRole('button', { name: 'Approve' }).click()
    const dialog = page.getByRole('dialog', { name: 'Approve step 2?' })
    await dialog.getByLabel('Comment (optional)').fill('Fine by me')
    await dialog.getByRole('button', { name: 'Approve' }).click()
    await expect(dialog).toBeHidden()
    // Step 3 belongs to IT: the workflow leaves Priya's list.
    await expect(card).toHaveCount(0)

    const fresh = await adminApi.get<WorkflowLike & { steps: { decision?: { by: string } }[] }>(
      `/api/v1/workflows/${w.id}`,
    )
    expect(fresh.current_step).toBe(2)
    expect(fresh.steps[1]?.decision?.by).toBe(users.user.email)
  })

  test('a step that becomes someone’s appears on their list live', async ({
    page,
    adminApi,
    users,
  }) => {
    const w = await replacementFor(adminApi, users.user.email, false)
    await signIn(page, 'user')
    await page.goto('/tasks')
    await expect(page.getByRole('heading', { name: 'My tasks' })).toBeVisible()
    const card = page.locator(`[data-testid="task"][data-workflow="${w.id}"]`)
    await expect(card).toHaveCount(0)
    await adminApi.post(`/api/v1/workflows/${w.id}/start`)
    await expect(card).toContainText('Assess Situation')
    await card.getByRole('link', { name: /Open workflow/ }).click()
    await expect(page).toHaveURL(new RegExp(`/workflows/${w.id}$`))
  })

  test('an admin looks at someone else’s tasks; overdue only shows an empty state', async ({
    page,
    adminApi,
    users,
  }) => {
    const w = await replacementFor(adminApi, users.user.email)
    await signIn(page, 'admin')
    await page.goto('/tasks')
    await page.getByLabel('Person (email)').fill(users.user.email)
    await expect(page).toHaveURL(/assigned_to=priya/)
    await expect(page.getByRole('heading', { name: `Tasks of ${users.user.email}` })).toBeVisible()
    await expect(page.locator(`[data-testid="task"][data-workflow="${w.id}"]`)).toBeVisible()

    await page.getByLabel('Overdue only').check()
    await expect(page).toHaveURL(/overdue=true/)
    await expect(page.getByText('Nothing overdue')).toBeVisible()
  })

  test('a manager without tasks sees the empty state', async ({ page }) => {
    await signIn(page, 'manager')
    await page.goto('/tasks?overdue=true')
    await expect(page.getByText('Nothing overdue')).toBeVisible()
    await expect(page.getByLabel('Person (email)')).toHaveCount(0)
  })
})
