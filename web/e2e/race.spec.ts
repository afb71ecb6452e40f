import { expect, test, uniqueTitle, type WorkflowLike } from './fixtures'

test.describe('lost races', () => {
  test.beforeEach(async ({ page }) => {
    // No live updates for this page: the change behind its back must surface on the action.
    await page.routeWebSocket(/\/ws/, () => {})
  })

  test('a card clicked right after typing in the search opens its workflow', async ({
    page,
    adminApi,
  }) => {
    const created = await adminApi.createFromTemplate('equipment_return', {
      title: uniqueTitle('E2E typed'),
    })
    // The detail page's code arrives slowly, so the search box's pending timer would fire while
    // the click's navigation waits for it (and, as the newer navigation, undo it).
    await page.route(/\/assets\/WorkflowPage-.*\.js$/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 600))
      await route.continue()
    })
    await page.goto('/sign-in')
    await page.locator('button.user[data-role="admin"]').click()
    await expect(page.locator(`[data-id="${created.id}"]`)).toBeVisible()
    await page.getByRole('searchbox', { name: 'Search workflows' }).fill('E2E typed')
    await page.locator(`[data-id="${created.id}"] a`).click()
    await expect(page.getByTestId('workflow-title')).toHaveText(created.title)
    await expect(page).toHaveURL(new RegExp(`/workflows/${created.id}$`))
  })

  test('advancing a step someone else already completed shows the fresh state', async ({
    page,
    adminApi,
  }) => {
    const created = await adminApi.createFromTemplate('equipment_return', {
      title: uniqueTitle('E2E race'),
    })
    await adminApi.post(`/api/v1/workflows/${created.id}/start`)
    await page.goto('/sign-in')
    await page.locator('button.user[data-role="admin"]').click()
    await page.goto(`/workflows/${created.id}`)
    await expect(page.getByTestId('advance')).toContainText('Complete step 1')

    // Someone else completes step 1 meanwhile.
    await adminApi.post(`/api/v1/workflows/${created.id}/advance`, { expected_step: 0 })
    await page.getByTestId('advance').click()

    await expect(page.getByTestId('notice')).toContainText('Changed by someone else')
    await expect(page.getByTestId('step').nth(0)).toHaveAttribute('data-state', 'done')
    await expect(page.getByTestId('advance')).toContainText('Complete step 2')
    const fresh = await adminApi.get<WorkflowLike>(`/api/v1/workflows/${created.id}`)
    expect(fresh.current_step).toBe(1)
  })

  test('an edit after someone else’s edit gets 412 and shows their version', async ({
    page,
    adminApi,
  }) => {
    const created = await adminApi.createFromTemplate('new_employee', {
      title: uniqueTitle('E2E race edit'),
    })
    await page.goto('/sign-in')
    await page.locator('button.user[data-role="admin"]').click()
    await page.goto(`/workflows/${created.id}`)
    await page.getByRole('button', { name: 'Edit' }).click()
    const theirs = uniqueTitle('E2E theirs')
    await adminApi.patch(`/api/v1/workflows/${created.id}`, { title: theirs })
    const dialog = page.getByRole('dialog', { name: 'Edit workflow' })
    await dialog.getByLabel('Title').fill(uniqueTitle('E2E mine'))
    await dialog.getByRole('button', { name: 'Save changes' }).click()
    await expect(page.getByTestId('notice')).toContainText('Changed by someone else')
    await expect(page.getByTestId('workflow-title')).toHaveText(theirs)
  })
})
