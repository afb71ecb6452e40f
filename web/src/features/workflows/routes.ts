import type { RouteRecordRaw } from 'vue-router'

export const workflowRoutes: RouteRecordRaw[] = [
  {
    path: '/workflows',
    name: 'workflows',
    component: () => import('./pages/WorkflowsPage.vue'),
    meta: { title: 'Workflows' },
  },
  {
    path: '/workflows/:id',
    name: 'workflow',
    component: () => import('./pages/WorkflowPage.vue'),
    props: true,
    meta: { title: 'Workflow' },
  },
]
