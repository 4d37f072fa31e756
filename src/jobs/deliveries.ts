// The newsletter sender: each server process runs one. It claims a batch of due deliveries
// under a lease (so processes share the work and never send one twice while alive), hands
// them to the pooled SMTP connection, and settles the batch in one write. A process killed
// mid-batch leaves its rows leased; once the lease runs out any process sends them again.
// What that costs: a mail the SMTP server accepted in the moment before the kill, whose
// "sent" was not yet written, goes out a second time (README: Newsletters).
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "../../db/client.ts";
import type { Config } from "../config.ts";
import {
  claimDeliveries,
  hasDueDeliveries,
  releaseDeliveries,
  renewDeliveries,
  settleDeliveries,
  type Claimed,
  type Outcome,
} from "../server/queries/deliveries.ts";
import { defaultBackoff } from "./queue.ts";
import { isPermanent, mailForPost, newsletterTransport, type MailFor, type NewsletterTransport } from "./newsletter-mail.ts";

export interface SenderOptions {
  db: Db;
  config: Config;
  transport?: NewsletterTransport;
  owner?: string;
  /** How long a claimed batch is ours without being settled. */
  leaseMs?: number;
  /** How often an idle sender looks for due deliveries. */
  pollMs?: number;
  /** Deliveries claimed at once (at most a second's worth at the rate cap). */
  batch?: number;
  maxAttempts?: number;
  /** How often what was sent is written down while a batch is going out. */
  settleEveryMs?: number;
  backoffMs?: (attempt: number) => number;
  onError?: (message: string, error?: unknown) => void;
  /** Called when the sender has found nothing to send for `idleMs` (a thread that may stop). */
  onIdle?: () => void;
  idleMs?: number;
}

export interface Sender {
  readonly owner: string;
  start(): void;
  /** Looks for due deliveries now (a fan-out just made some). */
  wake(): void;
  /** Sends what is due until nothing is; resolves to how many it settled. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

export const DELIVERY_LEASE_MS = 60_000;
export const DELIVERY_MAX_ATTEMPTS = 8;

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 500);

export function createSender(options: SenderOptions): Sender {
  const { db, config } = options;
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const transport = options.transport ?? newsletterTransport(config, db.db);
  const leaseMs = options.leaseMs ?? DELIVERY_LEASE_MS;
  const batch = options.batch ?? Math.max(1, Math.min(50, config.newsletter.ratePerSecond));
  const maxAttempts = options.maxAttempts ?? DELIVERY_MAX_ATTEMPTS;
  const backoff = options.backoffMs ?? defaultBackoff;
  const settleEveryMs = options.settleEveryMs ?? 20;
  const onError = options.onError ?? ((message, error) => console.error(`[newsletter] ${message}`, error ?? ""));
  // Rendered once per post and process; a post edited mid-send keeps the text it started with.
  const mails = new Map<string, Promise<MailFor | null>>();
  const held = new Set<number>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<number> | null = null;
  let stopping = false;

  const mailFor = (postId: string) => {
    let mail = mails.get(postId);
    if (!mail) {
      mail = mailForPost(db.db, config, postId);
      mails.set(postId, mail);
      if (mails.size > 20) mails.delete(mails.keys().next().value!);
    }
    return mail;
  };

  async function deliver(d: Claimed): Promise<Outcome> {
    try {
      const mail = await mailFor(d.postId);
      if (!mail) return { id: d.id, subscriberId: d.subscriberId, kind: "failed", error: "The post no longer exists" };
      await transport.send(mail({ email: d.email, unsubscribeToken: d.unsubscribeToken }));
      return { id: d.id, subscriberId: d.subscriberId, kind: "sent" };
    } catch (e) {
      const error = errorText(e);
      if (isPermanent(e)) return { id: d.id, subscriberId: d.subscriberId, kind: "bounced", error };
      if (d.attempts >= maxAttempts) return { id: d.id, subscriberId: d.subscriberId, kind: "failed", error };
      return { id: d.id, subscriberId: d.subscriberId, kind: "retry", at: new Date(Date.now() + backoff(d.attempts)), error };
    }
  }

  let lastWork = Date.now();
  async function round(): Promise<number> {
    // A read first: an idle sender, in every process, writes nothing.
    if (!(await hasDueDeliveries(db.db))) return 0;
    const claimed = await claimDeliveries(db.write, owner, batch, leaseMs);
    if (claimed.length === 0) return 0;
    lastWork = Date.now();
    for (const d of claimed) held.add(d.id);
    // Outcomes are written every few milliseconds, not once for the batch: a kill then resends
    // only what the server accepted since the last write, not the whole batch.
    const pending: Outcome[] = [];
    let written: Promise<void> = Promise.resolve();
    const flush = () => {
      const now = pending.splice(0);
      if (now.length) written = written.then(() => settleDeliveries(db.write, owner, now));
    };
    const ticker = setInterval(flush, settleEveryMs);
    // A slow SMTP server must not let the lease run out under rows still being sent.
    const renew = setInterval(
      () => void renewDeliveries(db.write, owner, leaseMs).catch((e) => onError("renewing the lease on deliveries failed", e)),
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    try {
      await Promise.all(claimed.map((d) => deliver(d).then((outcome) => void pending.push(outcome))));
    } finally {
      clearInterval(ticker);
      clearInterval(renew);
      flush();
      await written.finally(() => {
        for (const d of claimed) held.delete(d.id);
      });
    }
    return claimed.length;
  }

  async function loop(): Promise<number> {
    let settled = 0;
    for (;;) {
      if (stopping) return settled;
      const n = await round();
      if (n === 0) return settled;
      settled += n;
    }
  }

  function drain(): Promise<number> {
    running ??= loop()
      .catch((e) => {
        onError("sending newsletters failed; trying again shortly", e);
        return 0;
      })
      .finally(() => (running = null));
    return running;
  }

  return {
    owner,
    start() {
      if (timer) return;
      stopping = false;
      timer = setInterval(() => {
        void drain().then(() => {
          if (options.onIdle && !stopping && Date.now() - lastWork > (options.idleMs ?? 10_000)) options.onIdle();
        });
      }, options.pollMs ?? 1000);
      timer.unref();
      void drain();
    },
    wake: () => void drain(),
    drain,
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
      await releaseDeliveries(db.write, owner, [...held]).catch((e) => onError("handing back deliveries failed", e));
      transport.close();
    },
  };
}
