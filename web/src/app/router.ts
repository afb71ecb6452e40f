import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router'
import type { Pinia } from 'pinia'
import { useSessionStore, type Role } from '@/stores/session'
import { authRoutes } from '@/features/auth/routes'
import { workflowRoutes } from '@/features/workflows/routes'
import { taskRoutes } from '@/features/tasks/routes'
import { templateRoutes } from '@/features/templates/routes'
import { userRoutes } from '@/features/users/routes'
import { dashboardRoutes } from '@/features/dashboard/routes'
import { directoryRoutes } from '@/features/directory/routes'
import { settingsRoutes } from '@/features/settings/routes'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable signed out. */
    public?: boolean
    /** The roles that may open it; any signed-in role when absent. */
    roles?: Role[]
    /** The document title. */
    title?: string
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: { name: 'workflows' } },
  ...authRoutes,
  ...workflowRoutes,
  ...taskRoutes,
  ...templateRoutes,
  ...userRoutes,
  ...dashboardRoutes,
  ...directoryRoutes,
  ...settingsRoutes,
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/components/NotFoundPage.vue'),
    meta: { title: 'Not found' },
  },
]

export function createAppRouter(pinia: Pinia): Router {
  const router = createRouter({
    history: createWebHistory(),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })

  // Reads the cached session only: no API call per navigation.
  router.beforeEach((to) => {
    const session = useSessionStore(pinia)
    if (to.meta.public) {
      if (to.name === 'sign-in' && session.isSignedIn) return { name: 'workflows' }
      return true
    }
    if (!session.isSignedIn) {
      return { name: 'sign-in', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    }
    if (to.meta.roles && !to.meta.roles.includes(session.role!)) {
      return { name: 'workflows' }
    }
    return true
  })

  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · Assetronics` : 'Assetronics'
  })

  return router
}
