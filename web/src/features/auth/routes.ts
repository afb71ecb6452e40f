import type { RouteRecordRaw } from 'vue-router'

export const authRoutes: RouteRecordRaw[] = [
  {
    path: '/sign-in',
    name: 'sign-in',
    component: () => import('./pages/SignInPage.vue'),
    props: (route) => ({
      redirect: typeof route.query.redirect === 'string' ? route.query.redirect : undefined,
    }),
    meta: { public: true, title: 'Sign in' },
  },
]
