import type { HrisProvider, SettingsPatch, Tenant } from '@/api/types'

/** The settings form. Secrets start empty: they are write-only and never shown. */
export interface SettingsDraft {
  it_email: string
  from_email: string
  timezone: string
  slack_webhook_url: string
  clear_slack: boolean
  hris_provider: HrisProvider | ''
  signing_secret: string
  api_key: string
  subdomain: string
  api_base_url: string
}

export function draftFrom(t: Tenant): SettingsDraft {
  return {
    it_email: t.it_email,
    from_email: t.from_email,
    timezone: t.timezone,
    slack_webhook_url: '',
    clear_slack: false,
    hris_provider: t.hris?.provider ?? '',
    signing_secret: '',
    api_key: '',
    subdomain: t.hris?.subdomain ?? '',
    api_base_url: t.hris?.api_base_url ?? '',
  }
}

/** Only what changed; a secret is sent only when a new one was typed. */
export function settingsPatch(t: Tenant, d: SettingsDraft): SettingsPatch {
  const before = draftFrom(t)
  const patch: SettingsPatch = {}
  if (d.it_email.trim() !== before.it_email) patch.it_email = d.it_email.trim()
  if (d.from_email.trim() !== before.from_email) patch.from_email = d.from_email.trim()
  if (d.timezone.trim() !== before.timezone) patch.timezone = d.timezone.trim()
  if (d.clear_slack) patch.slack_webhook_url = null
  else if (d.slack_webhook_url.trim()) patch.slack_webhook_url = d.slack_webhook_url.trim()
  const hris: NonNullable<SettingsPatch['hris']> = {}
  if (d.hris_provider && d.hris_provider !== before.hris_provider) hris.provider = d.hris_provider
  if (d.signing_secret.trim()) hris.signing_secret = d.signing_secret.trim()
  if (d.api_key.trim()) hris.api_key = d.api_key.trim()
  if (d.subdomain.trim() !== before.subdomain) hris.subdomain = d.subdomain.trim() || null
  if (d.api_base_url.trim() !== before.api_base_url)
    hris.api_base_url = d.api_base_url.trim() || null
  if (Object.keys(hris).length) patch.hris = hris
  return patch
}

/** API error fields (`hris.api_key`, `/hris/api_key`) → form fields. */
export function settingsField(apiField: string): string {
  const name = apiField.replace(/^\//, '').replace(/\//g, '.')
  const map: Record<string, string> = {
    'hris.provider': 'hris_provider',
    'hris.signing_secret': 'signing_secret',
    'hris.api_key': 'api_key',
    'hris.subdomain': 'subdomain',
    'hris.api_base_url': 'api_base_url',
  }
  return map[name] ?? name
}
