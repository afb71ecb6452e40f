import { describe, expect, it } from 'vitest'
import { ApiError, describeError, fieldErrorsFor, unwrap } from '../errors'

function response(status: number) {
  return new Response(null, { status })
}

describe('unwrap', () => {
  it('returns the data of a successful call', async () => {
    await expect(
      unwrap(Promise.resolve({ data: { ok: 1 }, response: response(200) })),
    ).resolves.toEqual({ ok: 1 })
  })

  it('throws an ApiError carrying the problem and its field errors', async () => {
    const problem = {
      type: 'about:blank',
      title: 'Unprocessable',
      status: 422,
      detail: 'The request has invalid fields',
      errors: { due_date: ['must not be in the past'], title: 'too long' },
    }
    const error = await unwrap(Promise.resolve({ error: problem, response: response(422) })).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ApiError)
    const apiError = error as ApiError
    expect(apiError.status).toBe(422)
    expect(apiError.detail).toBe('The request has invalid fields')
    expect(apiError.fieldErrors).toEqual({
      due_date: ['must not be in the past'],
      title: ['too long'],
    })
    expect(apiError.isConflict).toBe(false)
  })

  it('marks 409 and 412 as lost races', async () => {
    for (const status of [409, 412]) {
      const error = (await unwrap(Promise.resolve({ error: {}, response: response(status) })).catch(
        (e) => e,
      )) as ApiError
      expect(error.isConflict).toBe(true)
    }
  })

  it('turns a network failure into status 0', async () => {
    const error = (await unwrap(Promise.reject(new TypeError('Failed to fetch'))).catch(
      (e) => e,
    )) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(0)
    expect(describeError(error)).toMatch(/could not be reached/)
  })
})

describe('fieldErrorsFor', () => {
  const error = new ApiError(422, {
    detail: 'invalid',
    errors: {
      '/team': ['too long'],
      'steps[1].name': ['required'],
      unknown_thing: ['odd'],
    } as unknown as Record<string, never>,
  })

  it('maps API fields onto form fields and gathers the rest under _form', () => {
    const mapped = fieldErrorsFor(
      error,
      ['team', 'steps'],
      (field) => field.replace(/^\//, '').split(/[.[]/)[0]!,
    )
    expect(mapped.team).toBe('too long')
    expect(mapped.steps).toBe('required')
    expect(mapped._form).toBe('unknown_thing: odd')
  })

  it('falls back to the detail when no field is named', () => {
    expect(fieldErrorsFor(new ApiError(409, { detail: 'exists' }), ['email'])).toEqual({
      _form: 'exists',
    })
  })

  it('ignores what is not an ApiError', () => {
    expect(fieldErrorsFor(new Error('x'), ['email'])).toEqual({})
  })
})
