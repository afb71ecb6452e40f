import type { RouteRecordRaw } from 'vue-router'

export const templateRoutes: RouteRecordRaw[] = [
  {
    path: '/templates',
    name: 'templates',
    component: () => import('./pages/TemplatesPage.vue'),
    meta: { title: 'Templates', roles: ['admin'] },
  },
  {
    path: '/templates/:key',
    name: 'template',
    component: () => import('./pages/TemplatePage.vue'),
    props: (route) => ({ templateKey: String(route.params.key) }),
    meta: { title: 'Template', roles: ['admin'] },
  },
]
