// The mixed load of npm run bench: many clients creating, editing, publishing, commenting
// on and deleting posts at once, with a ledger of every write the server acknowledged, and
// the check of that ledger against the database afterwards.
//
// Clients come in pairs signed in to the same author account, like one author in two tabs:
// both edit the posts they share from the version each last saw, so CONFLICTs happen as
// they would in use. Those are the only errors expected; everything else is a failure.
// Deletes touch only what no other client uses (a client's own scratch posts and its own
// comments), so no other error can be legitimate.
import type { Client } from "./http-client.ts";

interface PostAck {
  id: string;
  version: number;
  title: string;
  status: string;
}

interface PostEntry {
  /** The highest version any acknowledgement reported, and the title at that version. */
  version: number;
  title: string;
  deleted: boolean;
  published: boolean;
}

export interface Ledger {
  posts: Map<string, PostEntry>;
  comments: Map<string, { deleted: boolean }>;
  /** Two acknowledgements that reported different titles for the same version of a post. */
  disagreements: string[];
}

export interface MixedResult {
  ledger: Ledger;
  ops: Record<string, number>;
  conflicts: number;
  failures: { op: string; status: number; body: string }[];
  latencies: number[];
  /** Latencies of each procedure, ms. */
  byOp: Record<string, number[]>;
}

const SEED_POSTS = 10_000;
const rand = (n: number) => Math.floor(Math.random() * n);

export async function runMixed(accounts: Client[], clientsPerAccount: number, seconds: number): Promise<MixedResult> {
  const ledger: Ledger = { posts: new Map(), comments: new Map(), disagreements: [] };
  const result: MixedResult = { ledger, ops: {}, conflicts: 0, failures: [], latencies: [], byOp: {} };
  /** Posts both tabs of an account edit, by account id; never deleted. */
  const shared = new Map<string, string[]>(accounts.map((a) => [a.id, []]));
  /** Shared posts that are public, where any client may comment. */
  const publicPosts: string[] = [];

  function acknowledge(post: PostAck) {
    const entry = ledger.posts.get(post.id);
    if (!entry) {
      ledger.posts.set(post.id, { version: post.version, title: post.title, deleted: false, published: post.status === "published" });
      return;
    }
    if (post.version > entry.version) Object.assign(entry, { version: post.version, title: post.title });
    else if (post.version === entry.version && post.title !== entry.title) {
      ledger.disagreements.push(`${post.id} v${post.version}: "${entry.title}" and "${post.title}"`);
    }
    if (post.status === "published") entry.published = true;
  }

  async function call<T>(client: Client, op: string, path: string, input: unknown) {
    const outcome = await client.mutate<T>(path, input);
    result.latencies.push(outcome.reply.ms);
    result.ops[op] = (result.ops[op] ?? 0) + 1;
    (result.byOp[op] ??= []).push(outcome.reply.ms);
    if (!outcome.ok) {
      if (outcome.code === "CONFLICT") result.conflicts++;
      else result.failures.push({ op, status: outcome.reply.status, body: outcome.reply.body });
    }
    return outcome;
  }

  async function tab(account: Client, tabNo: number, until: number) {
    const name = `${account.id.slice(0, 8)}-${tabNo}`;
    /** The version this tab last saw of each post it edits. */
    const seen = new Map<string, number>();
    const scratch: string[] = [];
    const myComments: string[] = [];
    let n = 0;

    async function createPost(kind: "shared" | "scratch") {
      const outcome = await call<PostAck>(account, `post.create`, "post.create", {
        title: `Mixed ${kind} ${name}.${++n}`,
        body: `A post made under load by ${name}.\n\nIt has *Markdown* and a [link](https://example.com).`,
        tags: [`load-${rand(20)}`],
      });
      if (!outcome.ok) return;
      acknowledge(outcome.data);
      seen.set(outcome.data.id, outcome.data.version);
      (kind === "shared" ? shared.get(account.id)! : scratch).push(outcome.data.id);
    }

    async function update(id: string) {
      const outcome = await call<PostAck>(account, "post.update", "post.update", {
        id,
        version: seen.get(id) ?? 1,
        title: `Edit ${name}.${++n}`,
        body: `Edited under load by ${name}, edit ${n}.\n\n- a list\n- of things`,
      });
      if (outcome.ok) {
        acknowledge(outcome.data);
        seen.set(id, outcome.data.version);
      } else if (outcome.code === "CONFLICT") {
        // What the editor does: take the server's copy and go on from its version.
        const current = (outcome.data.conflict as { current?: { version?: number } } | null)?.current;
        if (current?.version) seen.set(id, current.version);
      }
    }

    async function publish(id: string) {
      const outcome = await call<PostAck>(account, "post.publish", "post.publish", { id });
      if (!outcome.ok) return;
      acknowledge(outcome.data);
      seen.set(id, outcome.data.version);
      if (!publicPosts.includes(id)) publicPosts.push(id);
    }

    async function comment() {
      const onShared = publicPosts.length > 0 && Math.random() < 0.5;
      const postId = onShared ? publicPosts[rand(publicPosts.length)]! : `p${1 + rand(SEED_POSTS)}`;
      const outcome = await call<{ id: string }>(account, "comment.create", "comment.create", {
        postId,
        body: `Comment ${name}.${++n}: **agreed**.`,
      });
      if (!outcome.ok) return;
      ledger.comments.set(outcome.data.id, { deleted: false });
      myComments.push(outcome.data.id);
    }

    async function deleteComment(id: string) {
      const outcome = await call<{ id: string }>(account, "comment.delete", "comment.delete", { id });
      if (outcome.ok) ledger.comments.get(id)!.deleted = true;
    }

    async function deletePost(id: string) {
      const outcome = await call<{ id: string }>(account, "post.delete", "post.delete", { id });
      if (outcome.ok) ledger.posts.get(id)!.deleted = true;
    }

    // Every tab starts by writing a post its other tab will edit too.
    await createPost("shared");
    while (performance.now() < until) {
      const mine = shared.get(account.id)!;
      const dice = Math.random();
      if (dice < 0.1) await createPost(mine.length < 6 ? "shared" : "scratch");
      else if (dice < 0.15) await createPost("scratch");
      else if (dice < 0.4) await update(mine[rand(mine.length)]!);
      else if (dice < 0.5) await publish(mine[rand(mine.length)]!);
      else if (dice < 0.8) await comment();
      else if (dice < 0.9) {
        if (myComments.length) await deleteComment(myComments.splice(rand(myComments.length), 1)[0]!);
        else await comment();
      } else {
        if (scratch.length) await deletePost(scratch.splice(rand(scratch.length), 1)[0]!);
        else await createPost("scratch");
      }
    }
  }

  const until = performance.now() + seconds * 1000;
  await Promise.all(accounts.flatMap((account) => Array.from({ length: clientsPerAccount }, (_, i) => tab(account, i + 1, until))));
  return result;
}

export interface LedgerCheck {
  postsCreated: number;
  postsPresent: number;
  postsDeleted: number;
  postsGone: number;
  /** Present posts whose version and title are the last acknowledged ones. */
  postsAtAckedVersion: number;
  commentsCreated: number;
  commentsPresent: number;
  commentsDeleted: number;
  commentsMarkedDeleted: number;
  problems: string[];
}

type Row = Record<string, unknown>;

/** Compares the ledger with what the database holds. */
export function checkLedger(ledger: Ledger, posts: Row[], comments: Row[]): LedgerCheck {
  const problems = [...ledger.disagreements.map((d) => `two acknowledged states share a version: ${d}`)];
  const postRows = new Map(posts.map((r) => [String(r.id), r]));
  const commentRows = new Map(comments.map((r) => [String(r.id), r]));
  const check: LedgerCheck = {
    postsCreated: ledger.posts.size,
    postsPresent: 0,
    postsDeleted: 0,
    postsGone: 0,
    postsAtAckedVersion: 0,
    commentsCreated: ledger.comments.size,
    commentsPresent: 0,
    commentsDeleted: 0,
    commentsMarkedDeleted: 0,
    problems,
  };
  for (const [id, entry] of ledger.posts) {
    const row = postRows.get(id);
    if (entry.deleted) {
      check.postsDeleted++;
      if (row) problems.push(`post ${id} was deleted (acknowledged) but is still there`);
      else check.postsGone++;
      continue;
    }
    if (!row) {
      problems.push(`post ${id} (acknowledged at version ${entry.version}) is missing`);
      continue;
    }
    check.postsPresent++;
    if (Number(row.version) === entry.version && row.title === entry.title) check.postsAtAckedVersion++;
    else problems.push(`post ${id}: acknowledged v${entry.version} "${entry.title}", database has v${row.version} "${row.title}"`);
    if (entry.published && row.status !== "published") problems.push(`post ${id}: published (acknowledged) but ${row.status}`);
  }
  for (const [id, entry] of ledger.comments) {
    const row = commentRows.get(id);
    if (!row) {
      problems.push(`comment ${id} (acknowledged) is missing`);
      continue;
    }
    check.commentsPresent++;
    if (entry.deleted) {
      check.commentsDeleted++;
      // Deleting a comment keeps its place in the thread: the row stays, marked deleted.
      if (row.status === "deleted") check.commentsMarkedDeleted++;
      else problems.push(`comment ${id} was deleted (acknowledged) but is ${row.status}`);
    } else if (row.status !== "visible") problems.push(`comment ${id} should be visible but is ${row.status}`);
  }
  return check;
}
