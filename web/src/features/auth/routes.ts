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
  {
    // The OpenID provider's redirect back (`CALLBACK_PATH`), with `?code=…&state=…`.
    path: '/auth/callback',
    name: 'auth-callback',
    component: () => import('./pages/AuthCallbackPage.vue'),
    meta: { public: true, title: 'Signing in' },
  },
]
