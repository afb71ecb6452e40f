import type { RouteRecordRaw } from 'vue-router'

export const taskRoutes: RouteRecordRaw[] = [
  {
    path: '/tasks',
    name: 'tasks',
    component: () => import('./pages/TasksPage.vue'),
    meta: { title: 'My tasks', roles: ['admin', 'manager', 'user'] },
  },
]
