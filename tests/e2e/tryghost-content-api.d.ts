/** The part of Ghost's Content API client the specs use (the package ships no types). */
declare module "@tryghost/content-api" {
  interface Pagination {
    page: number;
    limit: number;
    pages: number;
    total: number;
    next: number | null;
    prev: number | null;
  }
  type Item = Record<string, unknown> & {
    id: string;
    slug: string;
    title?: string;
    name?: string;
    html?: string;
    plaintext?: string;
    url?: string;
    count?: { posts: number };
    tags?: Item[];
    authors?: Item[];
  };
  type List = Item[] & { meta: { pagination: Pagination } };
  interface Params {
    limit?: number | "all";
    page?: number;
    include?: string | string[];
    filter?: string;
    formats?: string | string[];
    fields?: string | string[];
    order?: string;
  }
  interface Resource {
    browse(params?: Params): Promise<List>;
    read(data: { id?: string; slug?: string }, params?: Params): Promise<Item>;
  }
  interface Api {
    posts: Resource;
    pages: Resource;
    tags: Resource;
    authors: Resource;
    settings: { browse(): Promise<Record<string, unknown> & { title: string; url: string; navigation: unknown[] }> };
  }
  type Options = { url: string; key: string; version: string | boolean };
  const GhostContentAPI: { new (options: Options): Api; (options: Options): Api };
  export default GhostContentAPI;
}
