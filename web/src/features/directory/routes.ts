import type { RouteRecordRaw } from 'vue-router'

export const directoryRoutes: RouteRecordRaw[] = [
  {
    path: '/employees',
    name: 'employees',
    component: () => import('./pages/EmployeesPage.vue'),
    meta: { title: 'Employees' },
  },
  {
    path: '/employees/:id',
    name: 'employee',
    component: () => import('./pages/EmployeePage.vue'),
    props: true,
    meta: { title: 'Employee' },
  },
  {
    path: '/assets',
    name: 'assets',
    component: () => import('./pages/AssetsPage.vue'),
    meta: { title: 'Assets' },
  },
  {
    path: '/assets/:id',
    name: 'asset',
    component: () => import('./pages/AssetPage.vue'),
    props: true,
    meta: { title: 'Asset' },
  },
]
