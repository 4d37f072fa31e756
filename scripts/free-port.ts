import { createServer } from "node:net";

/** A port nothing listens on right now: the system picks it when we bind port 0. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer()
      .once("error", fail)
      .listen(0, host, () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => ok(port));
      });
  });
}

/** Whether `port` on `host` can be listened on now. */
export function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((ok) => {
    const probe = createServer()
      .once("error", () => ok(false))
      .once("listening", () => probe.close(() => ok(true)))
      .listen(port, host);
  });
}
