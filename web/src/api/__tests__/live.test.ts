import { QueryClient } from '@tanstack/vue-query'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backoffDelay, connectLive, useLiveStatus } from '../live'
import { workflowKeys } from '@/features/workflows/keys'
import type { Workflow } from '../types'

class FakeSocket {
  static made: FakeSocket[] = []
  onopen: (() => void) | null = null
  onmessage: ((m: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  onerror: (() => void) | null = null
  closed = false
  constructor(readonly url: string) {
    FakeSocket.made.push(this)
  }
  close() {
    this.closed = true
  }
}

const workflow = {
  id: 'w1',
  version: 2,
  title: 'Old',
  current_step: 0,
  total_steps: 2,
  status: 'pending',
  steps: [],
} as unknown as Workflow

beforeEach(() => {
  vi.useFakeTimers()
  FakeSocket.made = []
})
afterEach(() => vi.useRealTimers())

describe('backoffDelay', () => {
  it('doubles from 1 s up to 30 s, with jitter', () => {
    expect(backoffDelay(0, () => 0.5)).toBe(1000)
    expect(backoffDelay(3, () => 0.5)).toBe(8000)
    expect(backoffDelay(10, () => 0.5)).toBe(30000)
    expect(backoffDelay(0, () => 0)).toBe(800)
    expect(backoffDelay(0, () => 1)).toBe(1200)
  })
})

describe('connectLive', () => {
  it('connects with the token, applies events, reconnects and refetches after a gap', async () => {
    const client = new QueryClient()
    client.setQueryData(workflowKeys.detail('w1'), workflow)
    const status = useLiveStatus()
    const live = connectLive({
      url: 'ws://host/ws',
      token: () => 'a b',
      queryClient: client,
      createSocket: (url) => new FakeSocket(url) as unknown as WebSocket,
    })
    expect(FakeSocket.made[0]!.url).toBe('ws://host/ws?token=a%20b')
    expect(status.value).toBe('connecting')
    FakeSocket.made[0]!.onopen!()
    expect(status.value).toBe('live')

    FakeSocket.made[0]!.onmessage!({
      data: JSON.stringify({
        event: 'workflow_updated',
        tenant_id: 'demo',
        at: '2026-01-01T00:00:00Z',
        workflow: { ...workflow, steps: undefined, title: 'New', version: 3 },
      }),
    })
    expect(client.getQueryData<Workflow>(workflowKeys.detail('w1'))!.title).toBe('New')
    // Ignores what is not a workflow event.
    FakeSocket.made[0]!.onmessage!({ data: 'not json' })

    FakeSocket.made[0]!.onclose!()
    expect(status.value).toBe('reconnecting')
    const invalidate = vi.spyOn(client, 'invalidateQueries')
    vi.advanceTimersByTime(1300)
    expect(FakeSocket.made).toHaveLength(2)
    FakeSocket.made[1]!.onopen!()
    expect(invalidate).toHaveBeenCalledWith({ queryKey: workflowKeys.all })

    live.stop()
    expect(FakeSocket.made[1]!.closed).toBe(true)
    expect(status.value).toBe('off')
    vi.advanceTimersByTime(60_000)
    expect(FakeSocket.made).toHaveLength(2)
  })
})
