// The one owner of cache tag names. Reader pages declare the tags they depend on;
// mutations purge the tags they change.
export const cacheTags = {
  /** Every page that lists posts: home and its pages. */
  list: "list",
  post: (id: string) => `post:${id}`,
  author: (id: string) => `author:${id}`,
} as const;

/** What a change to a post that readers can see makes stale. */
export function postTags(post: { id: string; authorId: string }): string[] {
  return [cacheTags.post(post.id), cacheTags.list, cacheTags.author(post.authorId)];
}

/** How long a cached reader page lives in the server's memory before it is rendered again. */
export const READER_PAGE_MAX_AGE = 3600;
