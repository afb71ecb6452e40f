import { expect, signIn, test, uniqueTitle } from './fixtures'

test.describe('live updates', () => {
  test('a second browser sees the first one’s changes without reloading', async ({
    page,
    browser,
  }) => {
    const other = await browser.newContext()
    const watcher = await other.newPage()
    const watcherErrors: string[] = []
    watcher.on('pageerror', (e) => watcherErrors.push(e.message))
    await signIn(watcher, 'admin')
    await signIn(page, 'admin')

    // The first browser creates a workflow: it appears in the second one's list.
    const title = uniqueTitle('E2E live')
    await page.getByRole('button', { name: 'New workflow' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.locator('label.choice', { hasText: 'Custom workflow' }).click()
    await dialog.getByRole('button', { name: 'Continue' }).click()
    await dialog.getByLabel('Title').fill(title)
    await dialog.getByLabel('Step 1 name').fill('First')
    await dialog.getByRole('button', { name: '+ Add step' }).click()
    await dialog.getByLabel('Step 2 name').fill('Second')
    await dialog.getByRole('button', { name: 'Create workflow' }).click()
    await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/)
    const id = page.url().split('/').pop()!

    let navigations = 0
    watcher.on('framenavigated', (frame) => frame === watcher.mainFrame() && navigations++)
    const card = watcher.locator(`[data-testid="workflow-card"][data-id="${id}"]`)
    await expect(card).toBeVisible()
    await expect(card.getByTestId('status')).toHaveText('Pending')

    // It starts and advances: the card follows in place.
    await page.getByRole('button', { name: 'Start workflow' }).click()
    await expect(card.getByTestId('status')).toHaveText('In progress')
    await page.getByTestId('advance').click()
    await expect(card.getByTestId('progress')).toHaveText('1/2')

    // The second browser opens it; the first advances again: the step turns done there too.
    await card.getByRole('link').click()
    await expect(watcher.getByTestId('step').nth(1)).toHaveAttribute('data-state', 'active')
    navigations = 0
    await page.getByTestId('advance').click()
    await expect(watcher.getByTestId('step').nth(1)).toHaveAttribute('data-state', 'done')
    await expect(watcher.getByRole('button', { name: 'Complete workflow' })).toBeVisible()
    expect(navigations).toBe(0)
    expect(watcherErrors).toEqual([])
    await other.close()
  })
})
