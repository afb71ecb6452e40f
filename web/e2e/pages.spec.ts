import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { expect, expectAccessible, signIn, test, type WorkflowLike } from './fixtures'

// Every screen at desktop and phone width: no console error (the fixture), no serious axe
// violation, and a screenshot kept as an artifact.
const shots = fileURLToPath(new URL('./artifacts/screenshots/', import.meta.url))
mkdirSync(shots, { recursive: true })

const WIDTHS = [
  { name: '1280', width: 1280, height: 800 },
  { name: '375', width: 375, height: 740 },
]

async function settle(page: Page) {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0)
  await page.waitForLoadState('networkidle')
}

async function check(page: Page, name: string, width: string) {
  await settle(page)
  await expectAccessible(page, name)
  // A dialog is shot as the viewport shows it; a page whole, from its top.
  const dialog = await page.locator('dialog[open]').count()
  if (!dialog) await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: `${shots}${name}-${width}.png`, fullPage: !dialog })
}

for (const size of WIDTHS) {
  test.describe(`every page at ${size.name} px`, () => {
    test.use({ viewport: { width: size.width, height: size.height } })

    test('sign-in', async ({ page }) => {
      await page.goto('/sign-in')
      await expect(page.getByRole('button', { name: /Alex Admin/ })).toBeVisible()
      await check(page, 'sign-in', size.name)
    })

    test('workflows, detail and dialogs', async ({ page, adminApi }) => {
      const running = await adminApi.createFromTemplate('new_employee', {
        title: 'Onboard Ava Chen (Engineering)',
        assigned_to: 'priya.nair@demo.example',
        team: 'engineering',
      })
      await adminApi.post(`/api/v1/workflows/${running.id}/start`)
      await adminApi.post(`/api/v1/workflows/${running.id}/advance`, { expected_step: 0 })
      await adminApi.post(`/api/v1/workflows/${running.id}/advance`, { expected_step: 1 })
      await signIn(page, 'admin')
      await check(page, 'workflows', size.name)

      await page.getByRole('button', { name: 'New workflow' }).click()
      await expect(page.getByRole('dialog')).toBeVisible()
      await check(page, 'create-template', size.name)
      await page.getByRole('dialog').getByRole('button', { name: 'Continue' }).click()
      await check(page, 'create-details', size.name)
      await page.keyboard.press('Escape')
      await expect(page.getByRole('dialog')).toBeHidden()

      await page.goto(`/workflows/${running.id}`)
      await expect(page.getByTestId('step').nth(2)).toHaveAttribute('data-state', 'active')
      await page
        .getByTestId('step')
        .nth(2)
        .getByRole('button', { name: 'Show instructions' })
        .click()
      await check(page, 'workflow', size.name)
      await page.getByRole('button', { name: 'Cancel workflow' }).click()
      await check(page, 'cancel-dialog', size.name)
    })

    test('dashboard', async ({ page, adminApi }) => {
      // Some finished work, so the charts have something to show.
      const done = await adminApi.createFromTemplate('emergency_replacement', {
        title: 'Replace cracked iPhone',
      })
      await adminApi.post(`/api/v1/workflows/${done.id}/start`)
      for (let step = 0; step < done.total_steps; step++) {
        await adminApi.completeStep(done.id, step)
      }
      await adminApi.post(`/api/v1/workflows/${done.id}/complete`)
      await signIn(page, 'admin')
      await page.goto('/dashboard')
      await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible()
      await expect(page.getByTestId('kpi-open')).toBeVisible()
      await expect(page.locator('canvas').first()).toBeVisible()
      await check(page, 'dashboard', size.name)
    })

    test('employees and assets', async ({ page, adminApi }) => {
      await signIn(page, 'admin')
      await page.goto('/employees')
      await expect(page.getByRole('link', { name: 'Maria Lopez' })).toBeVisible()
      await check(page, 'employees', size.name)
      await page.getByRole('link', { name: 'Tom Becker' }).click()
      await expect(page.getByTestId('linked-workflows')).toBeVisible()
      await check(page, 'employee', size.name)
      await page.getByRole('button', { name: 'Edit' }).click()
      await check(page, 'employee-edit', size.name)
      await page.keyboard.press('Escape')

      await page.goto('/assets')
      await expect(page.getByRole('link', { name: /MacBook Pro/ })).toBeVisible()
      await check(page, 'assets', size.name)
      const [asset] = await adminApi.get<{ id: string }[]>('/api/v1/assets?limit=1')
      await page.goto(`/assets/${asset!.id}`)
      await check(page, 'asset', size.name)
    })

    test('my tasks', async ({ page, adminApi, users }) => {
      const w = await adminApi.createFromTemplate('emergency_replacement', {
        title: 'Replace Priya’s broken laptop',
      })
      await adminApi.patch(`/api/v1/workflows/${w.id}`, {
        steps: [{ order: 1, assigned_to: users.user.email }],
      })
      await adminApi.post(`/api/v1/workflows/${w.id}/start`)
      await signIn(page, 'user')
      await page.goto('/tasks')
      await expect(page.getByTestId('task').first()).toBeVisible()
      await check(page, 'tasks', size.name)
      await page.goto('/tasks?overdue=true')
      await expect(page.getByText('Nothing overdue')).toBeVisible()
      await check(page, 'tasks-empty', size.name)
    })

    test('templates', async ({ page }) => {
      await signIn(page, 'admin')
      await page.goto('/templates')
      await expect(page.getByTestId('template-row').first()).toBeVisible()
      await check(page, 'templates', size.name)
      await page.goto('/templates/new_employee')
      await expect(page.getByText('Built-in, read-only')).toBeVisible()
      await check(page, 'template-builtin', size.name)
    })

    test('settings and not found', async ({ page }) => {
      await signIn(page, 'admin')
      await page.goto('/settings')
      await expect(page.getByLabel('IT team email')).toHaveValue(/@/)
      await check(page, 'settings', size.name)
      await page.goto('/no/such/page')
      await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
      await check(page, 'not-found', size.name)
    })
  })
}

test('the user’s view of a workflow they work on', async ({ page, adminApi, users }) => {
  const w = await adminApi.createFromTemplate('incoming_hardware', {
    assigned_to: users.user.email,
  })
  await adminApi.post(`/api/v1/workflows/${w.id}/start`)
  await signIn(page, 'user')
  await page.goto(`/workflows/${w.id}`)
  await expect(page.getByTestId('advance')).toBeVisible()
  await check(page, 'workflow-as-user', '1280')
  const fresh = await adminApi.get<WorkflowLike>(`/api/v1/workflows/${w.id}`)
  expect(fresh.status).toBe('in_progress')
})
