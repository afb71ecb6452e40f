import { createApp, watch } from 'vue'
import { createPinia } from 'pinia'
import { VueQueryPlugin } from '@tanstack/vue-query'
import App from './App.vue'
import { createAppRouter } from './router'
import { createQueryClient } from './query-client'
import { loadConfig, setConfig } from './config'
import { configureApi } from '@/api/client'
import { connectLive, type LiveConnection } from '@/api/live'
import { useSessionStore } from '@/stores/session'
import { appAuth } from '@/features/auth/auth'
import '@/styles/main.css'

async function start() {
  const runtime = await loadConfig()
  setConfig(runtime)

  const pinia = createPinia()
  const queryClient = createQueryClient()
  const router = createAppRouter(pinia)
  const session = useSessionStore(pinia)

  configureApi(runtime.api_base_url, {
    token: () => session.token,
    tenant: () => session.user?.tenant ?? null,
    onUnauthorized: () => {
      if (!session.isSignedIn && !session.token) return
      session.signOut()
      const current = router.currentRoute.value
      if (!current.meta.public) {
        void router.replace({
          name: 'sign-in',
          query: { redirect: current.fullPath, expired: '1' },
        })
      }
    },
  })

  // Signed in through an OpenID provider, the tokens are renewed before they expire; a failed
  // renewal ends the session like a 401 does.
  const auth = appAuth(runtime.auth, runtime.api_base_url)
  if (auth.mode === 'oidc') {
    auth.keepFresh({
      onToken: ({ token, name }) => {
        if (session.token) session.signIn(token, { name: name ?? session.user?.name })
      },
      onEnded: () => {
        if (!session.token) return
        session.signOut()
        void router.replace({ name: 'sign-in', query: { expired: '1' } })
      },
    })
  }

  // One socket per tab and person, for as long as they are signed in: a renewed token keeps
  // both the socket (authenticated when it connected) and the cached data.
  let live: LiveConnection | undefined
  watch(
    () => session.user?.sub ?? null,
    (sub) => {
      live?.stop()
      live = undefined
      queryClient.clear()
      if (sub) {
        live = connectLive({ url: runtime.ws_url, token: () => session.token, queryClient })
      }
    },
    { immediate: true },
  )

  createApp(App).use(pinia).use(router).use(VueQueryPlugin, { queryClient }).mount('#app')
}

void start()
