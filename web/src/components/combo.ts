export interface ComboOption {
  id: string
  label: string
  detail?: string
}
