import type { WorkflowListQuery } from '@/api/types'

/** The filters of a workflow list: the API's query without paging. */
export type WorkflowFilters = Omit<WorkflowListQuery, 'limit' | 'cursor'>

/** The filters of the tasks list: whose (admins only) and overdue only. */
export interface TaskListFilters {
  assigned_to?: string
  overdue?: boolean
}

/** A list page's filters plus the free-text search over loaded items (`q`). */
export type FilterState = WorkflowFilters & { q?: string }

export const workflowKeys = {
  all: ['workflows'] as const,
  lists: () => [...workflowKeys.all, 'list'] as const,
  list: (filters: WorkflowFilters) => [...workflowKeys.lists(), filters] as const,
  details: () => [...workflowKeys.all, 'detail'] as const,
  detail: (id: string) => [...workflowKeys.details(), id] as const,
  history: (id: string) => [...workflowKeys.all, 'history', id] as const,
  stats: () => [...workflowKeys.all, 'stats'] as const,
  /** The tasks lists (active steps by assignee): under `all`, so a reconnect refetches them. */
  tasks: () => [...workflowKeys.all, 'tasks'] as const,
  taskList: (query: TaskListFilters) => [...workflowKeys.tasks(), 'list', query] as const,
  taskCount: () => [...workflowKeys.tasks(), 'count'] as const,
}

export const templateKeys = {
  all: ['templates'] as const,
  list: () => [...templateKeys.all, 'list'] as const,
  detail: (key: string) => [...templateKeys.all, 'detail', key] as const,
}

/** Drops empty values so equal filters make equal keys and no `?status=` is sent. */
export function cleanFilters(filters: WorkflowFilters): WorkflowFilters {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === null || value === '' || value === false) continue
    out[key] = typeof value === 'string' ? value.trim() : value
  }
  return out as WorkflowFilters
}

const FILTER_KEYS = [
  'status',
  'workflow_type',
  'priority',
  'assigned_to',
  'team',
  'employee_id',
  'asset_id',
] as const

/** Filters from a route's query (deep links keep them). */
export function filtersFromQuery(query: Record<string, unknown>): FilterState {
  const out: Record<string, unknown> = {}
  for (const key of FILTER_KEYS) {
    const value = query[key]
    if (typeof value === 'string' && value) out[key] = value
  }
  if (query.overdue === 'true') out.overdue = true
  if (query.include_archived === 'true') out.include_archived = true
  if (typeof query.q === 'string' && query.q) out.q = query.q
  return out as FilterState
}

/** The route query for filters (the inverse of `filtersFromQuery`). */
export function queryFromFilters(filters: FilterState): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === null || value === '' || value === false) continue
    out[key] = String(value)
  }
  return out
}
