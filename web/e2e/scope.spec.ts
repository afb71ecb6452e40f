import { expect, signIn, test, uniqueTitle, type WorkflowLike } from './fixtures'

test.describe('role scope', () => {
  test('a manager sees their team’s workflows and may act on them', async ({
    page,
    adminApi,
    users,
    allowConsole,
  }) => {
    allowConsole.push(/status of 404/)
    const mine = await adminApi.createFromTemplate('incoming_hardware', {
      title: uniqueTitle('E2E design'),
      team: 'design',
    })
    const theirs = await adminApi.createFromTemplate('incoming_hardware', {
      title: uniqueTitle('E2E sales'),
      team: 'sales',
    })
    await signIn(page, 'manager')
    await page.getByRole('searchbox', { name: 'Search workflows' }).fill('E2E')
    const cards = page.getByTestId('workflow-card')
    await expect(page.locator(`[data-id="${mine.id}"]`)).toBeVisible()
    await expect(page.locator(`[data-id="${theirs.id}"]`)).toHaveCount(0)
    // Every card they see is their team's or assigned to them.
    const listed = await adminApi.get<WorkflowLike[]>('/api/v1/workflows?limit=100')
    const visibleIds = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))
    for (const id of visibleIds) {
      const w = listed.find((x) => x.id === id)!
      expect(w.team === users.manager.team || w.assigned_to === users.manager.email).toBeTruthy()
    }
    // Only their card: other tests' new workflows arrive live and shift the list under the
    // pointer between press and release.
    await page.getByRole('searchbox', { name: 'Search workflows' }).fill(mine.title)
    await expect(cards).toHaveCount(1)
    await page.locator(`[data-id="${mine.id}"] a`).click()
    await expect(page.getByRole('button', { name: 'Start workflow' })).toBeVisible()
    await expect(page.getByRole('button', { name: 'Edit' })).toBeVisible()
    await expect(page.getByRole('button', { name: 'Cancel workflow' })).toBeVisible()
    // The create dialog has no team field: their own team is implied.
    await page.goto('/workflows')
    await page.getByRole('button', { name: 'New workflow' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Continue' }).click()
    await expect(page.getByRole('dialog').getByLabel('Team')).toHaveCount(0)
    // Out of scope by deep link: not found.
    await page.goto(`/workflows/${theirs.id}`)
    await expect(page.getByRole('alert')).toContainText('Not found')
  })

  test('a user sees only what is assigned to them, and may only advance and complete', async ({
    page,
    adminApi,
    users,
  }) => {
    const assigned = await adminApi.createFromTemplate('emergency_replacement', {
      title: uniqueTitle('E2E for user'),
      assigned_to: users.user.email,
    })
    const other = await adminApi.createFromTemplate('emergency_replacement', {
      title: uniqueTitle('E2E not user'),
    })
    await signIn(page, 'user')
    await expect(page.locator(`[data-id="${assigned.id}"]`)).toBeVisible()
    await expect(page.locator(`[data-id="${other.id}"]`)).toHaveCount(0)
    const visibleIds = await page
      .getByTestId('workflow-card')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))
    const listed = await adminApi.get<WorkflowLike[]>('/api/v1/workflows?limit=100')
    for (const id of visibleIds)
      expect(listed.find((x) => x.id === id)?.assigned_to).toBe(users.user.email)

    await page.getByRole('searchbox', { name: 'Search workflows' }).fill(assigned.title)
    await expect(page.getByTestId('workflow-card')).toHaveCount(1)
    await page.locator(`[data-id="${assigned.id}"] a`).click()
    await expect(page.getByTestId('workflow-title')).toBeVisible()
    // Pending: nothing they may do yet.
    await expect(
      page.getByRole('group', { name: 'Workflow actions' }).getByRole('button'),
    ).toHaveCount(0)
    // Once an admin starts it, they may advance, live.
    await adminApi.post(`/api/v1/workflows/${assigned.id}/start`)
    await expect(page.getByTestId('advance')).toBeVisible()
    await expect(page.getByRole('button', { name: 'Edit' })).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Cancel workflow' })).toHaveCount(0)
    await page.getByTestId('advance').click()
    await expect(page.getByTestId('step').nth(0)).toHaveAttribute('data-state', 'done')

    // The directory is read-only for them.
    await page.goto('/employees')
    await expect(page.getByRole('heading', { name: 'Employees' })).toBeVisible()
    await expect(page.getByRole('button', { name: 'Add employee' })).toHaveCount(0)
    await page.goto('/assets')
    await expect(page.getByRole('button', { name: 'Add asset' })).toHaveCount(0)
  })
})
