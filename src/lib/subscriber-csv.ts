// Subscribers as CSV, both ways: the admins' export, and the import of a list kept elsewhere
// (any CSV with an "email" column, or one address a line).

const cell = (value: string) =>
  /[",\n\r]/.test(value) || /^[=+\-@\t]/.test(value) ? `"${value.replaceAll('"', '""').replace(/^([=+\-@\t])/, "'$1")}"` : value;

export function subscriberCsv(
  rows: { email: string; status: string; allPosts: boolean; tags: string[]; createdAt: Date; confirmedAt: Date | null; source: string }[],
): string {
  const lines = rows.map((r) =>
    [r.email, r.status, r.allPosts ? "all" : r.tags.join(" "), r.source, r.createdAt.toISOString(), r.confirmedAt?.toISOString() ?? ""]
      .map(cell)
      .join(","),
  );
  return ["email,status,posts,source,created_at,confirmed_at", ...lines].join("\n") + "\n";
}

/** One CSV line's fields (quotes as RFC 4180 has them). */
function fields(line: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === "," || c === ";") {
      out.push(field);
      field = "";
    } else field += c;
  }
  out.push(field);
  return out.map((f) => f.trim());
}

/** The addresses in a CSV (its "email" column, else its first), and how many cells were not addresses. */
export function parseSubscriberCsv(csv: string, isEmail: (value: string) => boolean): { emails: string[]; invalid: number } {
  const lines = csv
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((l) => l.trim());
  const header = fields(lines[0] ?? "").map((h) => h.toLowerCase());
  const column = header.indexOf("email");
  const rows = column >= 0 ? lines.slice(1) : lines;
  const at = Math.max(column, 0);
  const emails: string[] = [];
  let invalid = 0;
  for (const line of rows) {
    const value = fields(line)[at] ?? "";
    if (isEmail(value)) emails.push(value.toLowerCase());
    else invalid++;
  }
  return { emails, invalid };
}
