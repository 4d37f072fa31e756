// Free ports, in plain JavaScript like the rest of what `npm start` loads before the built
// server (scripts/start.js says why).
import { createServer } from "node:net";

/**
 * A port nothing listens on right now: the system picks it when we bind port 0.
 * @param {string} [host]
 * @returns {Promise<number>}
 */
export function freePort(host = "127.0.0.1") {
  return new Promise((ok, fail) => {
    const probe = createServer()
      .once("error", fail)
      .listen(0, host, () => {
        const { port } = /** @type {import("node:net").AddressInfo} */ (probe.address());
        probe.close(() => ok(port));
      });
  });
}

/**
 * Whether `port` on `host` can be listened on now.
 * @param {number} port
 * @param {string} host
 * @returns {Promise<boolean>}
 */
export function portIsFree(port, host) {
  return new Promise((ok) => {
    const probe = createServer()
      .once("error", () => ok(false))
      .once("listening", () => probe.close(() => ok(true)))
      .listen(port, host);
  });
}
