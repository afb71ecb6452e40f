import { expect, signIn, test } from './fixtures'

test.describe('directory', () => {
  test('add and edit an employee, see their workflows', async ({ page }) => {
    await signIn(page, 'admin')
    await page.goto('/employees')
    await page.getByRole('button', { name: 'Add employee' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add employee' })
    const email = `e2e.${Date.now()}@demo.example`
    await dialog.getByRole('button', { name: 'Add employee' }).click()
    await expect(dialog.getByText('Enter a work email address.')).toBeVisible()
    await dialog.getByLabel('First name').fill('Lena')
    await dialog.getByLabel('Last name').fill('Fischer')
    await dialog.getByLabel('Work email').fill(email)
    await dialog.getByLabel('Team').fill('finance')
    await dialog.getByRole('button', { name: 'Add employee' }).click()
    await expect(page.getByRole('heading', { name: 'Lena Fischer' })).toBeVisible()
    await expect(
      page.getByTestId('linked-workflows').or(page.getByText('No workflows')),
    ).toBeVisible()

    await page.getByRole('button', { name: 'Edit' }).click()
    const edit = page.getByRole('dialog', { name: 'Edit employee' })
    await edit.getByLabel('Job title').fill('Controller')
    await edit.getByRole('button', { name: 'Save changes' }).click()
    await expect(page.getByText('Controller').first()).toBeVisible()

    // A duplicate email is refused by the API, on the email field.
    await page.goto('/employees')
    await page.getByRole('button', { name: 'Add employee' }).click()
    const dup = page.getByRole('dialog', { name: 'Add employee' })
    await dup.getByLabel('First name').fill('Lena')
    await dup.getByLabel('Last name').fill('Again')
    await dup.getByLabel('Work email').fill(email)
    await dup.getByRole('button', { name: 'Add employee' }).click()
    await expect(dup.getByRole('alert').first()).toBeVisible()
  })

  test("a workflow started from an employee's page is about them", async ({ page }) => {
    await signIn(page, 'admin')
    await page.goto('/employees')
    await page.getByRole('link', { name: 'Jonas Weber' }).first().click()
    await expect(page.getByRole('heading', { name: 'Jonas Weber' })).toBeVisible()
    await page.getByRole('button', { name: 'New workflow' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.locator('label.choice', { hasText: 'New Employee Onboarding' }).click()
    await dialog.getByRole('button', { name: 'Continue' }).click()
    await expect(dialog.getByRole('combobox', { name: 'Employee' })).toHaveValue('Jonas Weber')
    await dialog.getByRole('button', { name: 'Create workflow' }).click()

    await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/)
    await expect(page.getByRole('link', { name: 'Jonas Weber' })).toBeVisible()
  })

  test("a workflow started from an asset's page is about the asset and its holder", async ({
    page,
  }) => {
    await signIn(page, 'admin')
    await page.goto('/assets')
    await page.getByRole('link', { name: 'MacBook Pro 14" M3' }).click()
    await expect(page.getByRole('heading', { name: 'MacBook Pro 14" M3' })).toBeVisible()
    await page.getByRole('button', { name: 'New workflow' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.locator('label.choice', { hasText: 'Emergency Replacement' }).click()
    await dialog.getByRole('button', { name: 'Continue' }).click()
    await expect(dialog.getByRole('combobox', { name: 'Asset' })).toHaveValue(
      'MacBook Pro 14" M3 (LT-0001)',
    )
    await expect(dialog.getByRole('combobox', { name: 'Employee' })).toHaveValue('Tom Becker')
    await dialog.getByRole('button', { name: 'Create workflow' }).click()

    await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/)
    await expect(page.getByRole('link', { name: 'Tom Becker' })).toBeVisible()
    await expect(page.getByRole('link', { name: /MacBook Pro 14" M3/ })).toBeVisible()
  })

  test('add an asset assigned to someone; filter the list', async ({ page }) => {
    await signIn(page, 'manager')
    await page.goto('/assets')
    await page.getByRole('button', { name: 'Add asset' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add asset' })
    const tag = `E2E-${Date.now().toString(36).toUpperCase()}`
    await dialog.getByLabel('Asset tag').fill(tag)
    await dialog.getByLabel('Name').fill('Logitech MX Keys')
    await dialog.getByLabel('Category').selectOption('peripheral')
    await dialog.getByRole('combobox', { name: 'Assigned to' }).fill('jonas')
    await dialog.getByRole('option', { name: /Jonas Weber/ }).click()
    await dialog.getByRole('button', { name: 'Add asset' }).click()
    await expect(page.getByRole('heading', { name: 'Logitech MX Keys' })).toBeVisible()
    await expect(page.getByRole('link', { name: 'Jonas Weber' })).toBeVisible()
    await expect(page.getByText('Assigned', { exact: true })).toBeVisible()

    await page.goto('/assets')
    await page.getByLabel('Category').selectOption('peripheral')
    await expect(page).toHaveURL(/category=peripheral/)
    await expect(page.getByRole('link', { name: 'Logitech MX Keys' }).first()).toBeVisible()
    await expect(page.getByRole('link', { name: /MacBook Pro/ })).toHaveCount(0)
  })
})
