import { expect, signIn, test, uniqueTitle } from './fixtures'

const uniqueKey = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`

test.describe('templates', () => {
  test('an admin copies a built-in, edits its steps, and deletes it', async ({
    page,
    adminApi,
  }) => {
    const key = uniqueKey('e2e')
    await signIn(page, 'admin')
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Templates' })
      .click()
    const builtIn = page.locator('[data-testid="template-row"][data-key="emergency_replacement"]')
    await expect(builtIn).toContainText('Built-in')

    await page.getByRole('button', { name: 'New template' }).click()
    const dialog = page.getByRole('dialog', { name: 'New template' })
    await dialog.getByLabel('Key').fill(key)
    await dialog.getByLabel('Start from').selectOption('emergency_replacement')
    await dialog.getByRole('button', { name: 'Create template' }).click()
    await expect(page).toHaveURL(new RegExp(`/templates/${key}$`))
    await expect(page.getByTestId('template-version')).toHaveText('Version 1')

    const title = uniqueTitle('Laptop swap')
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill(title)
    await page.getByRole('button', { name: '+ Add step' }).click()
    const steps = page.getByTestId('custom-step')
    const last = steps.last()
    const n = await steps.count()
    await last.getByLabel(`Step ${n} name`).fill('Sign off the cost')
    await last.getByLabel(`Step ${n} kind`).selectOption('approval')
    await last.getByLabel(`Step ${n} assignee`).fill('manager')
    await last.getByLabel(`Step ${n} due after days`).fill('2')
    await last.getByLabel(`Step ${n} estimated hours`).fill('1.5')
    await page.getByRole('button', { name: 'Save' }).click()
    await expect(page.getByTestId('template-version')).toHaveText('Version 2')
    await expect(page.getByTestId('template-title')).toHaveText(title)

    const saved = await adminApi.get<{ steps: Record<string, unknown>[] }>(
      `/api/v1/workflows/templates/${key}`,
    )
    // The copied steps keep their texts through the editor.
    expect(saved.steps[0]?.description).toMatch(/\w/)
    expect(saved.steps.at(-1)).toMatchObject({
      name: 'Sign off the cost',
      kind: 'approval',
      assignee: 'manager',
      due_offset_days: 2,
      estimated_hours: 1.5,
    })

    await page.getByRole('button', { name: 'Delete' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Delete template' }).click()
    await expect(page).toHaveURL(/\/templates$/)
    await expect(page.locator(`[data-testid="template-row"][data-key="${key}"]`)).toHaveCount(0)
  })

  test('a save after someone else’s shows their copy (412)', async ({ page, adminApi }) => {
    const key = uniqueKey('e2e_race')
    await adminApi.post('/api/v1/workflows/templates', { key, based_on: 'incoming_hardware' })
    await signIn(page, 'admin')
    await page.goto(`/templates/${key}`)
    await expect(page.getByTestId('template-version')).toHaveText('Version 1')
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Mine')

    await adminApi.patch(`/api/v1/workflows/templates/${key}`, { title: 'Theirs' })
    await page.getByRole('button', { name: 'Save' }).click()
    await expect(page.getByTestId('notice')).toContainText('Changed by someone else')
    await expect(page.getByTestId('template-version')).toHaveText('Version 2')
    await expect(page.getByRole('textbox', { name: 'Title', exact: true })).toHaveValue('Theirs')
  })

  test('only admins see templates', async ({ page }) => {
    await signIn(page, 'manager')
    const nav = page.getByRole('navigation', { name: 'Main' })
    await expect(nav.getByRole('link', { name: 'Templates' })).toHaveCount(0)
    await page.goto('/templates')
    await expect(page).toHaveURL(/\/workflows$/)
  })
})
