import type { Ref } from 'vue'

/** The paging half of an infinite query (`useInfiniteQuery`), as `LoadMore` needs it. */
export interface Pager {
  hasNextPage: Readonly<Ref<boolean>>
  isFetchingNextPage: Readonly<Ref<boolean>>
  fetchNextPage: () => unknown
}

/** A paged list query with its rows flattened into `items` (the `use…List` composables). */
export interface ListQuery<T> extends Pager {
  isPending: Readonly<Ref<boolean>>
  error: Readonly<Ref<unknown>>
  items: Readonly<Ref<T[]>>
  refetch: () => unknown
}
