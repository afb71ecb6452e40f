import { describe, expect, it } from 'vitest'
import type { Tenant } from '@/api/types'
import { draftFrom, settingsField, settingsPatch } from '../form'

const tenant = {
  id: 'demo',
  name: 'Demo',
  it_email: 'it@demo.example',
  from_email: 'wf@demo.example',
  timezone: 'UTC',
  slack_webhook_url_set: true,
  hris: {
    provider: 'standard',
    signing_secret_set: true,
    api_key_set: false,
    subdomain: null,
    api_base_url: null,
  },
  version: 3,
} as unknown as Tenant

describe('settings form', () => {
  it('never holds a secret: secrets start empty and are sent only when typed', () => {
    const draft = draftFrom(tenant)
    expect(draft.slack_webhook_url).toBe('')
    expect(draft.signing_secret).toBe('')
    expect(settingsPatch(tenant, draft)).toEqual({})
    expect(settingsPatch(tenant, { ...draft, api_key: ' k1 ', timezone: 'Europe/Berlin' })).toEqual(
      {
        timezone: 'Europe/Berlin',
        hris: { api_key: 'k1' },
      },
    )
  })

  it('removes the Slack webhook with null', () => {
    expect(settingsPatch(tenant, { ...draftFrom(tenant), clear_slack: true })).toEqual({
      slack_webhook_url: null,
    })
  })

  it('maps nested API fields onto the form', () => {
    expect(settingsField('hris.api_base_url')).toBe('api_base_url')
    expect(settingsField('/hris/signing_secret')).toBe('signing_secret')
    expect(settingsField('it_email')).toBe('it_email')
  })
})
