import { createRequire } from 'node:module'
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test'

export type Role = 'admin' | 'manager' | 'user'

export interface DemoUser {
  id: string
  email: string
  role: Role
  team: string | null
  name: string
  token: string
}

const require = createRequire(import.meta.url)
const axePath = require.resolve('axe-core/axe.min.js')

/** A thin API client with one demo user's token, for arranging state behind the page's back. */
export class Api {
  constructor(
    private readonly request: APIRequestContext,
    readonly user: DemoUser,
  ) {}

  private headers() {
    return { Authorization: `Bearer ${this.user.token}` }
  }

  async get<T = unknown>(path: string): Promise<T> {
    const response = await this.request.get(path, { headers: this.headers() })
    expect(response.ok(), `GET ${path}: ${response.status()}`).toBeTruthy()
    return ((await response.json()) as { data: T }).data
  }

  async post<T = unknown>(path: string, body?: unknown, expected = [200, 201]): Promise<T> {
    const response = await this.request.post(path, {
      headers: this.headers(),
      ...(body === undefined ? {} : { data: body }),
    })
    expect(expected, `POST ${path}: ${response.status()} ${await response.text()}`).toContain(
      response.status(),
    )
    return ((await response.json()) as { data: T }).data
  }

  async patch<T = unknown>(path: string, body: unknown): Promise<T> {
    const response = await this.request.patch(path, { headers: this.headers(), data: body })
    expect(response.ok(), `PATCH ${path}: ${response.status()}`).toBeTruthy()
    return ((await response.json()) as { data: T }).data
  }

  /**
   * Completes the active step as the UI would: `approve` for an approval step (contract §10),
   * `advance` for a task.
   */
  async completeStep(id: string, expectedStep: number): Promise<WorkflowLike> {
    const current = await this.get<WorkflowLike & { steps: { kind?: string }[] }>(
      `/api/v1/workflows/${id}`,
    )
    const action = current.steps[expectedStep]?.kind === 'approval' ? 'approve' : 'advance'
    return this.post<WorkflowLike>(`/api/v1/workflows/${id}/${action}`, {
      expected_step: expectedStep,
    })
  }

  /** Creates a workflow from a template; unique titles keep parallel tests apart. */
  createFromTemplate(templateKey: string, fields: Record<string, unknown> = {}) {
    return this.post<WorkflowLike>('/api/v1/workflows/from-template', {
      template_key: templateKey,
      ...fields,
    })
  }
}

export interface WorkflowLike {
  id: string
  title: string
  status: string
  current_step: number
  total_steps: number
  version: number
  team: string | null
  assigned_to: string | null
}

export function uniqueTitle(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`
}

async function demoUsers(request: APIRequestContext): Promise<DemoUser[]> {
  const response = await request.get('/local/sign-in')
  expect(response.ok()).toBeTruthy()
  return ((await response.json()) as { data: DemoUser[] }).data
}

/** Signs the page in through the sign-in screen, as a person would. */
export async function signIn(page: Page, role: Role): Promise<void> {
  await page.goto('/sign-in')
  await page.locator(`button.user[data-role="${role}"]`).first().click()
  await expect(page).toHaveURL(/\/workflows/)
  await expect(page.locator('[data-testid="live-badge"]:visible')).toHaveAttribute(
    'data-status',
    'live',
  )
}

/** Runs axe-core on the page; fails on serious or critical violations. */
export async function expectAccessible(page: Page, context = ''): Promise<void> {
  await page.addScriptTag({ path: axePath })
  const violations = await page.evaluate(async () => {
    // @ts-expect-error injected by the script tag
    const result = await window.axe.run(document, { resultTypes: ['violations'] })
    return (
      result.violations as {
        id: string
        impact: string
        help: string
        nodes: { target: string[] }[]
      }[]
    )
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} — ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 4)
            .join(', ')}`,
      )
  })
  expect(violations, `axe ${context}`).toEqual([])
}

interface Fixtures {
  users: Record<Role, DemoUser>
  adminApi: Api
  apiAs: (role: Role) => Api
  /** Console messages a test expects (a handled 404, say); anything else fails the test. */
  allowConsole: RegExp[]
}

export const test = base.extend<Fixtures>({
  users: async ({ request }, use) => {
    const list = await demoUsers(request)
    // The seeded people come first; people invited by a test come after them.
    const byRole = Object.fromEntries([...list].reverse().map((u) => [u.role, u])) as Record<
      Role,
      DemoUser
    >
    await use(byRole)
  },
  adminApi: async ({ request, users }, use) => {
    await use(new Api(request, users.admin))
  },
  apiAs: async ({ request, users }, use) => {
    await use((role) => new Api(request, users[role]))
  },
  // Every test fails on a console error or an uncaught exception in the page.
  allowConsole: [
    async ({ page }, use) => {
      const allowed: RegExp[] = []
      const errors: string[] = []
      page.on('console', (message) => {
        const text = message.text()
        if (
          message.type() === 'error' &&
          !expectedError(text) &&
          !allowed.some((re) => re.test(text))
        ) {
          errors.push(text)
        }
      })
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`))
      await use(allowed)
      expect(errors, 'console errors').toEqual([])
    },
    { auto: true },
  ],
})

// The browser logs refused requests that the page handles on purpose (a lost race).
function expectedError(text: string): boolean {
  return /status of (409|412)/.test(text)
}

export { expect }
