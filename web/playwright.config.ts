import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { defineConfig } from '@playwright/test'

// The e2e run starts the real local server on a free port with the built console, and stops it.
const web = fileURLToPath(new URL('.', import.meta.url))
const freePort = () =>
  execFileSync(process.execPath, [
    '-e',
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
  ])
    .toString()
    .trim()
// Set once, so the workers (which load this file again) see the same ports.
process.env.E2E_PORT ??= freePort()
process.env.E2E_OIDC_PORT ??= freePort()
const port = process.env.E2E_PORT
const oidcPort = process.env.E2E_OIDC_PORT
const baseURL = process.env.E2E_BASE_URL ?? `http://127.0.0.1:${port}`
const server = process.env.E2E_SERVER ?? `${web}../target/debug/assetronics-local`

export default defineConfig({
  testDir: './e2e',
  outputDir: './e2e/artifacts/test-results',
  timeout: 30_000,
  expect: { timeout: 7_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list'], ['html', { outputFolder: './e2e/artifacts/report', open: 'never' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    // The OpenID provider of the console's sign-in test (e2e/oidc.spec.ts).
    {
      command: `"${process.execPath}" ${web}e2e/oidc-provider.mjs`,
      url: `http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'ignore',
      env: { E2E_OIDC_PORT: oidcPort, E2E_CONSOLE_URL: baseURL },
    },
    ...(process.env.E2E_BASE_URL
      ? []
      : [
          {
            command: server,
            url: `${baseURL}/health`,
            reuseExistingServer: false,
            timeout: 30_000,
            stdout: 'ignore' as const,
            stderr: 'pipe' as const,
            env: {
              PORT: port!,
              WEB_DIST: `${web}dist`,
              SEED: '1',
              RUST_LOG: 'warn',
            },
          },
        ]),
  ],
})
