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

  // One socket per tab, for as long as someone is signed in.
  let live: LiveConnection | undefined
  watch(
    () => session.token,
    (token) => {
      live?.stop()
      live = undefined
      queryClient.clear()
      if (token) {
        live = connectLive({ url: runtime.ws_url, token: () => session.token, queryClient })
      }
    },
    { immediate: true },
  )

  createApp(App).use(pinia).use(router).use(VueQueryPlugin, { queryClient }).mount('#app')
}

void start()
