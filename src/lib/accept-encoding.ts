// Which stored encoding of a response to send, from the request's Accept-Encoding.

export type Encoding = "br" | "gzip" | "identity";

/**
 * Brotli if the client takes it, else gzip, else the bytes as they are. A coding with q=0 is
 * refused; `*` stands for any coding not named. Malformed parts are ignored, as RFC 9110 lets
 * a server do.
 */
export function chooseEncoding(header: string | string[] | null | undefined): Encoding {
  if (!header) return "identity";
  const value = Array.isArray(header) ? header.join(",") : header;
  if (value.length > 1024) return "identity";
  const q = new Map<string, number>();
  for (const part of value.split(",")) {
    const [name, ...params] = part.split(";");
    const coding = name!.trim().toLowerCase();
    if (!coding) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p);
      if (m) weight = Number(m[1]);
    }
    q.set(coding, weight);
  }
  const weight = (coding: string) => q.get(coding) ?? q.get("*") ?? 0;
  if (weight("br") > 0) return "br";
  if (weight("gzip") > 0 || (q.get("x-gzip") ?? 0) > 0) return "gzip";
  return "identity";
}
