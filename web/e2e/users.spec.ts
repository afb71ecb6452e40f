import { expect, signIn, test } from './fixtures'

test.describe('users', () => {
  test('an admin invites a person, changes their role and team, and disables them', async ({
    page,
    adminApi,
  }) => {
    const email = `invitee.${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}@demo.example`
    await signIn(page, 'admin')
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Users' })
      .click()
    await expect(
      page.locator('[data-testid="user-row"][data-email="priya.nair@demo.example"]'),
    ).toBeVisible()

    await page.getByRole('button', { name: 'Invite', exact: true }).click()
    const invite = page.getByRole('dialog', { name: 'Invite a person' })
    await invite.getByRole('textbox', { name: 'Email' }).fill(email)
    await invite.getByRole('textbox', { name: 'First name' }).fill('Ines')
    await invite.getByLabel('Role').selectOption('manager')
    await invite.getByRole('textbox', { name: 'Team' }).fill('design')
    await invite.getByRole('button', { name: 'Send invitation' }).click()
    await expect(invite).toBeHidden()
    const row = page.locator(`[data-testid="user-row"][data-email="${email}"]`)
    await expect(row).toContainText('manager · design')
    await expect(row).toContainText('Active')

    await row.getByRole('button', { name: /Change/ }).click()
    const edit = page.getByRole('dialog', { name: `Change ${email}` })
    await edit.getByLabel('Role').selectOption('user')
    await edit.getByRole('textbox', { name: 'Team' }).fill('')
    await edit.getByLabel('Status').selectOption('disabled')
    await edit.getByRole('button', { name: 'Save' }).click()
    await expect(edit).toBeHidden()
    await expect(row).toContainText('Disabled')
    await expect(row).not.toContainText('design')

    const users =
      await adminApi.get<{ email: string; role: string; status: string; team: string | null }[]>(
        '/api/v1/users?limit=100',
      )
    expect(users.find((u) => u.email === email)).toMatchObject({
      role: 'user',
      status: 'disabled',
      team: null,
    })
  })

  test('an email that is already a user is refused on the form', async ({ page }) => {
    await signIn(page, 'admin')
    await page.goto('/users')
    await page.getByRole('button', { name: 'Invite', exact: true }).click()
    const invite = page.getByRole('dialog', { name: 'Invite a person' })
    await invite.getByRole('textbox', { name: 'Email' }).fill('priya.nair@demo.example')
    await invite.getByRole('button', { name: 'Send invitation' }).click()
    await expect(invite).toBeVisible()
    await expect(invite.getByRole('alert').first()).toBeVisible()
  })

  test('only admins see users', async ({ page }) => {
    await signIn(page, 'manager')
    await expect(
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }),
    ).toHaveCount(0)
    await page.goto('/users')
    await expect(page).toHaveURL(/\/workflows$/)
  })
})
