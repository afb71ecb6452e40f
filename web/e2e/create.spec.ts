import { expect, signIn, test, uniqueTitle } from './fixtures'

const TEMPLATES = [
  { key: 'incoming_hardware', title: 'Incoming Hardware', steps: 8, employee: false, asset: true },
  { key: 'new_employee', title: 'New Employee', steps: 9, employee: true, asset: false },
  { key: 'equipment_return', title: 'Equipment Return', steps: 6, employee: true, asset: true },
  {
    key: 'emergency_replacement',
    title: 'Emergency Replacement',
    steps: 5,
    employee: true,
    asset: true,
  },
]

test.describe('create a workflow', () => {
  for (const template of TEMPLATES) {
    test(`from the ${template.key} template`, async ({ page, adminApi }) => {
      const { title: templateTitle } = await adminApi.get<{ title: string }>(
        `/api/v1/workflows/templates/${template.key}`,
      )
      await signIn(page, 'admin')
      await page.getByRole('button', { name: 'New workflow' }).click()
      const dialog = page.getByRole('dialog')
      await expect(dialog).toBeVisible()
      await dialog.locator('label.choice', { hasText: templateTitle }).click()
      // The preview lists the template's steps.
      await expect(
        dialog.getByRole('heading', { name: new RegExp(`${template.steps} steps in`) }),
      ).toBeVisible()
      await dialog.getByRole('button', { name: 'Continue' }).click()

      const title = uniqueTitle(`E2E ${template.key}`)
      await dialog.getByLabel('Title').fill(title)
      if (template.employee) {
        const picker = dialog.getByRole('combobox', { name: 'Employee' })
        await picker.fill('mar')
        await dialog.getByRole('option', { name: /Maria Lopez/ }).click()
        await expect(picker).toHaveValue('Maria Lopez')
      } else {
        await expect(dialog.getByRole('combobox', { name: 'Employee' })).toHaveCount(0)
      }
      if (template.asset) {
        const picker = dialog.getByRole('combobox', { name: 'Asset' })
        await picker.fill('LT-0002')
        await picker.press('ArrowDown')
        await picker.press('Enter')
        await expect(picker).toHaveValue(/ThinkPad X1 Carbon/)
      }
      await dialog.getByLabel('Assignee').fill('priya.nair@demo.example')
      await dialog.getByLabel('Priority').selectOption('urgent')
      await dialog.getByRole('button', { name: 'Create workflow' }).click()

      await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/)
      await expect(page.getByTestId('workflow-title')).toHaveText(title)
      await expect(page.getByTestId('step')).toHaveCount(template.steps)
      await expect(page.getByTestId('assignee')).toHaveText('priya.nair@demo.example')
      await expect(page.getByText('Urgent').first()).toBeVisible()
      if (template.employee)
        await expect(page.getByRole('link', { name: 'Maria Lopez' })).toBeVisible()
    })
  }

  test('a custom workflow: add, reorder and remove steps', async ({ page }) => {
    await signIn(page, 'admin')
    await page.getByRole('button', { name: 'New workflow' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.locator('label.choice', { hasText: 'Custom workflow' }).click()
    await dialog.getByRole('button', { name: 'Continue' }).click()

    // Validated before sending: a title and named steps.
    await dialog.getByRole('button', { name: 'Create workflow' }).click()
    await expect(dialog.getByText('A custom workflow needs a title.')).toBeVisible()
    await expect(dialog.getByText('Every step needs a name.')).toBeVisible()

    const title = uniqueTitle('E2E custom')
    await dialog.getByLabel('Title').fill(title)
    await dialog.getByLabel('Type', { exact: true }).selectOption('maintenance')
    await dialog.getByLabel('Step 1 name').fill('Unbox the monitor')
    await dialog.getByRole('button', { name: '+ Add step' }).click()
    await dialog.getByLabel('Step 2 name').fill('Mount it on the arm')
    await dialog.getByRole('button', { name: '+ Add step' }).click()
    await dialog.getByLabel('Step 3 name').fill('Throw away the box')
    await dialog.getByLabel('Step 3 instructions').fill('Recycling room, second floor.')
    await dialog.getByRole('button', { name: '+ Add step' }).click()
    await dialog.getByLabel('Step 4 name').fill('A mistaken step')
    await dialog.getByRole('button', { name: 'Remove step 4' }).click()
    await dialog.getByRole('button', { name: 'Move step 3 up' }).click()
    await expect(dialog.getByTestId('custom-step')).toHaveCount(3)
    await dialog.getByRole('button', { name: 'Create workflow' }).click()

    await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/)
    await expect(page.getByTestId('workflow-title')).toHaveText(title)
    const steps = page.getByTestId('step')
    await expect(steps).toHaveCount(3)
    await expect(steps.nth(0)).toContainText('Unbox the monitor')
    await expect(steps.nth(1)).toContainText('Throw away the box')
    await expect(steps.nth(2)).toContainText('Mount it on the arm')
    await steps.nth(1).getByRole('button', { name: 'Show instructions' }).click()
    await expect(steps.nth(1).getByText('Recycling room, second floor.')).toBeVisible()
  })

  test('the API’s field errors land on the form fields', async ({ page, allowConsole }) => {
    allowConsole.push(/status of 422/)
    await signIn(page, 'admin')
    await page.getByRole('button', { name: 'New workflow' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('button', { name: 'Continue' }).click()
    // Past the client's checks (a plausible address) but refused by the API.
    await dialog.getByLabel('Team').fill('x'.repeat(101))
    await dialog.getByRole('button', { name: 'Create workflow' }).click()
    await expect(dialog.getByRole('alert').first()).toBeVisible()
    await expect(dialog.getByLabel('Team')).toHaveAttribute('aria-invalid', 'true')
  })
})
