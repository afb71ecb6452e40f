import { expect, signIn, test } from './fixtures'

test.describe('sign-in', () => {
  test('lists the demo users and signs in as the admin', async ({ page }) => {
    await page.goto('/sign-in')
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
    await expect(page.getByRole('button', { name: /Alex Admin/ })).toBeVisible()
    await signIn(page, 'admin')
    await expect(page.getByTestId('user-name')).toHaveText('Alex Admin')
    const nav = page.getByRole('navigation', { name: 'Main' })
    await expect(nav.getByRole('link', { name: 'Settings' })).toBeVisible()
    await expect(page.getByRole('button', { name: 'New workflow' })).toBeVisible()
  })

  test('signs in as the manager: no settings', async ({ page, users }) => {
    await signIn(page, 'manager')
    await expect(page.getByTestId('user-name')).toHaveText(users.manager.name)
    const nav = page.getByRole('navigation', { name: 'Main' })
    await expect(nav.getByRole('link', { name: 'Workflows' })).toBeVisible()
    await expect(nav.getByRole('link', { name: 'Settings' })).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'New workflow' })).toBeVisible()
    await page.goto('/settings')
    await expect(page).toHaveURL(/\/workflows$/)
  })

  test('signs in as the user: no creating, no settings', async ({ page, users }) => {
    await signIn(page, 'user')
    await expect(page.getByTestId('user-name')).toHaveText(users.user.name)
    await expect(
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }),
    ).toHaveCount(0)
    await expect(page.getByRole('heading', { name: 'Workflows' })).toBeVisible()
    await expect(page.getByRole('button', { name: 'New workflow' })).toHaveCount(0)
  })

  test('a deep link signed out goes through sign-in and back; sign out ends the session', async ({
    page,
    adminApi,
  }) => {
    const [first] = await adminApi.get<{ id: string }[]>('/api/v1/workflows?limit=1')
    await page.goto(`/workflows/${first!.id}`)
    await expect(page).toHaveURL(/\/sign-in\?redirect=/)
    await page.locator('button.user[data-role="admin"]').click()
    await expect(page).toHaveURL(new RegExp(`/workflows/${first!.id}$`))
    await expect(page.getByTestId('workflow-title')).toBeVisible()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await expect(page).toHaveURL(/\/sign-in/)
    await page.goto('/dashboard')
    await expect(page).toHaveURL(/\/sign-in/)
  })
})
