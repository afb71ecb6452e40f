import type { Problem } from './types'

/** A failed API call: the problem+json body (RFC 9457) as a typed error. */
export class ApiError extends Error {
  readonly status: number
  readonly title: string
  readonly detail: string
  readonly type: string
  /** Field → messages, on validation problems (422). */
  readonly fieldErrors: Record<string, string[]>

  constructor(status: number, problem: Partial<Problem> | undefined) {
    const title = problem?.title ?? defaultTitle(status)
    const detail = problem?.detail ?? ''
    super(detail || title)
    this.name = 'ApiError'
    this.status = status
    this.title = title
    this.detail = detail
    this.type = problem?.type ?? 'about:blank'
    this.fieldErrors = normalizeFieldErrors(problem?.errors)
  }

  /** A lost race: the state changed between reading and acting (409) or a stale If-Match (412). */
  get isConflict(): boolean {
    return this.status === 409 || this.status === 412
  }
}

function defaultTitle(status: number): string {
  if (status === 0) return 'Network error'
  if (status >= 500) return 'The server had a problem'
  return `Request failed (${status})`
}

function normalizeFieldErrors(errors: unknown): Record<string, string[]> {
  if (!errors || typeof errors !== 'object') return {}
  const out: Record<string, string[]> = {}
  for (const [field, messages] of Object.entries(errors)) {
    if (Array.isArray(messages)) out[field] = messages.map(String)
    else if (typeof messages === 'string') out[field] = [messages]
  }
  return out
}

interface FetchResult<T> {
  data?: T
  error?: unknown
  response: Response
}

/** Awaits an openapi-fetch call: its data when it succeeded, else throws an `ApiError`. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>
  try {
    result = await call
  } catch (cause) {
    if (cause instanceof ApiError) throw cause
    throw new ApiError(0, { detail: 'The server could not be reached. Check your connection.' })
  }
  if (result.response.ok) return result.data as T
  const body = result.error
  throw new ApiError(
    result.response.status,
    body && typeof body === 'object' ? (body as Partial<Problem>) : undefined,
  )
}

/**
 * The messages of a failed form submit, by form field. API field names may be nested
 * (`steps[2].name`, `hris.api_key`); `aliases` maps them onto the form's fields. Messages for no
 * known field are gathered under `_form`.
 */
export function fieldErrorsFor(
  error: unknown,
  fields: readonly string[],
  aliases: Record<string, string> | ((apiField: string) => string) = {},
): Record<string, string> {
  if (!(error instanceof ApiError)) return {}
  const out: Record<string, string> = {}
  const formMessages: string[] = []
  for (const [apiField, messages] of Object.entries(error.fieldErrors)) {
    const field =
      typeof aliases === 'function'
        ? aliases(apiField)
        : (aliases[apiField] ?? apiField.replace(/^\//, '').replace(/\//g, '.'))
    if (fields.includes(field)) out[field] = messages.join(' ')
    else formMessages.push(`${apiField}: ${messages.join(' ')}`)
  }
  if (formMessages.length) out._form = formMessages.join(' ')
  else if (!Object.keys(out).length) out._form = error.detail || error.title
  return out
}

/** A sentence for a person from any error. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return 'You do not have permission to do this.'
    if (error.status === 404) return 'Not found, or not visible to you.'
    return error.detail || error.title
  }
  if (error instanceof Error) return error.message
  return 'Something went wrong.'
}
