export interface ListedPost {
  id: string;
  slug: string;
  title: string;
  excerpt: string;
  publishedAt: Date | null;
  author: { id: string; name: string; image: string | null };
  tags: { slug: string; name: string }[];
}
