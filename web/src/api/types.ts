// Named API types, all derived from the generated schema (never written by hand).
import type { components, paths } from './schema'

type Schemas = components['schemas']

export type Workflow = Schemas['Workflow']
/** A workflow as lists and live events carry it: every field but `steps` (contract §3). */
export type WorkflowSummary = Omit<Workflow, 'steps'>
/** A workflow as the single-item routes answer it: with its steps. */
export type WorkflowDetail = Workflow & { steps: Step[] }
export type Step = Schemas['Step']
export type StepNote = Schemas['StepNote']
/** An active step assigned to someone, with its workflow's list form (`GET /api/v1/tasks`). */
export type Task = Schemas['Task']
export type WorkflowStatus = Schemas['WorkflowStatus']
export type WorkflowType = Schemas['WorkflowType']
export type Priority = Schemas['Priority']
export type TriggeredBy = Schemas['TriggeredBy']
export type Template = Schemas['TemplateView']
export type TemplateStep = Schemas['StepView']
export type NewTemplate = Schemas['NewTemplateRequest']
export type TemplatePatch = Schemas['TemplatePatchRequest']
export type NewWorkflow = Schemas['NewWorkflowRequest']
export type StepRequest = Schemas['StepRequest']
export type WorkflowPatch = Schemas['PatchRequest']
export type AuditEntry = Schemas['AuditEntry']
export type Stats = Schemas['Stats']
export type Employee = Schemas['EmployeeView']
export type EmployeeSummary = Schemas['EmployeeSummary']
export type NewEmployee = Schemas['NewEmployee']
export type EmployeePatch = Schemas['EmployeePatch']
export type EmployeeStatus = Schemas['EmployeeStatus']
export type Asset = Schemas['Asset']
export type AssetSummary = Schemas['AssetSummary']
export type NewAsset = Schemas['NewAsset']
export type AssetPatch = Schemas['AssetPatch']
export type AssetCategory = Schemas['AssetCategory']
export type AssetStatus = Schemas['AssetStatus']
export type Tenant = Schemas['TenantView']
export type SettingsPatch = Schemas['SettingsPatch']
export type HrisProvider = Schemas['HrisProvider']
export type Problem = Schemas['Problem']
export type User = Schemas['User']
export type NewUser = Schemas['NewUserRequest']
export type UserPatch = Schemas['UserPatchRequest']
export type UserRole = Schemas['UserRole']
export type ListMeta = Schemas['ListMeta']

export type WorkflowListQuery = NonNullable<
  paths['/api/v1/workflows']['get']['parameters']['query']
>
export type EmployeeListQuery = NonNullable<
  paths['/api/v1/employees']['get']['parameters']['query']
>
export type AssetListQuery = NonNullable<paths['/api/v1/assets']['get']['parameters']['query']>

/** One page of a cursor-paged list. */
export interface Page<T> {
  data: T[]
  meta: ListMeta
}

// The enum values, checked against the schema so a new value fails the type check.
export const WORKFLOW_STATUSES = [
  'pending',
  'in_progress',
  'completed',
  'cancelled',
] as const satisfies readonly WorkflowStatus[]
export const WORKFLOW_TYPES = [
  'procurement',
  'onboarding',
  'offboarding',
  'repair',
  'transfer',
  'maintenance',
  'audit',
] as const satisfies readonly WorkflowType[]
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const satisfies readonly Priority[]
export const ASSET_CATEGORIES = [
  'laptop',
  'desktop',
  'monitor',
  'phone',
  'tablet',
  'peripheral',
  'other',
] as const satisfies readonly AssetCategory[]
export const ASSET_STATUSES = [
  'in_stock',
  'assigned',
  'in_repair',
  'retired',
] as const satisfies readonly AssetStatus[]
export const EMPLOYEE_STATUSES = [
  'active',
  'terminated',
] as const satisfies readonly EmployeeStatus[]
export const HRIS_PROVIDERS = ['standard', 'bamboohr'] as const satisfies readonly HrisProvider[]

// Exhaustiveness: every schema value is listed above.
type Missing<All, Listed extends readonly unknown[]> = Exclude<All, Listed[number]>
export type _CheckStatuses =
  Missing<WorkflowStatus, typeof WORKFLOW_STATUSES> extends never ? true : never
export type _CheckTypes = Missing<WorkflowType, typeof WORKFLOW_TYPES> extends never ? true : never
