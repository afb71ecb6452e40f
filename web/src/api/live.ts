// The one WebSocket of a tab (contract §6): opened after sign-in, reconnecting with backoff.
// Each event updates or invalidates the matching queries; a reconnect invalidates everything
// the socket backs, since events may have been missed meanwhile. Views read only its status.
import type { QueryClient } from '@tanstack/vue-query'
import { readonly, ref, type Ref } from 'vue'
import { applyWorkflowEvent, isWorkflowEvent } from '@/features/workflows/cache'
import { workflowKeys } from '@/features/workflows/keys'

export type LiveStatus = 'off' | 'connecting' | 'live' | 'reconnecting'

const status = ref<LiveStatus>('off')

export function useLiveStatus(): Readonly<Ref<LiveStatus>> {
  return readonly(status)
}

/** Delay before the n-th reconnect (0-based): 1 s doubling up to 30 s, with ±20 % jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** attempt)
  return Math.round(base * (0.8 + 0.4 * random()))
}

export interface LiveOptions {
  url: string
  token: () => string | null
  queryClient: QueryClient
  /** For tests. */
  createSocket?: (url: string) => WebSocket
}

export interface LiveConnection {
  stop(): void
}

export function connectLive(options: LiveOptions): LiveConnection {
  const create = options.createSocket ?? ((url: string) => new WebSocket(url))
  let socket: WebSocket | null = null
  let attempt = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  let everOpened = false

  function open() {
    const token = options.token()
    if (stopped || !token) return
    const separator = options.url.includes('?') ? '&' : '?'
    status.value = everOpened || attempt > 0 ? 'reconnecting' : 'connecting'
    let ws: WebSocket
    try {
      ws = create(`${options.url}${separator}token=${encodeURIComponent(token)}`)
    } catch {
      scheduleReconnect()
      return
    }
    socket = ws
    ws.onopen = () => {
      status.value = 'live'
      if (everOpened || attempt > 0) {
        // Back after a gap: whatever happened meanwhile is refetched.
        void options.queryClient.invalidateQueries({ queryKey: workflowKeys.all })
      }
      everOpened = true
      attempt = 0
    }
    ws.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return
      let event: unknown
      try {
        event = JSON.parse(message.data)
      } catch {
        return
      }
      if (isWorkflowEvent(event)) applyWorkflowEvent(options.queryClient, event)
    }
    ws.onclose = () => {
      if (socket === ws) socket = null
      scheduleReconnect()
    }
    ws.onerror = () => {
      // A close event follows; reconnecting happens there.
    }
  }

  function scheduleReconnect() {
    if (stopped) return
    status.value = 'reconnecting'
    clearTimeout(timer)
    timer = setTimeout(open, backoffDelay(attempt))
    attempt += 1
  }

  function onOnline() {
    if (!socket && !stopped) {
      clearTimeout(timer)
      open()
    }
  }
  window.addEventListener('online', onOnline)

  open()

  return {
    stop() {
      stopped = true
      clearTimeout(timer)
      window.removeEventListener('online', onOnline)
      const ws = socket
      socket = null
      if (ws) {
        ws.onclose = null
        ws.close()
      }
      status.value = 'off'
    },
  }
}
