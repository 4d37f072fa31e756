// The part of Ghost's filter language (NQL) that the Content API takes: `field:value`,
// `field:-value` (not), `field:>value` (and >=, <, <=), `field:[a,b]` (any of), `+` (and),
// `,` (or), and parentheses. `+` binds tighter than `,`, as in NQL. Values are bare words or
// 'quoted' (with \' inside); bare true, false and null are those values. Everything else in
// NQL (~ contains, $ references, relative dates) is refused by name, so a client learns at
// once that a filter would not have done what it meant.

export type NqlValue = string | boolean | null;
export type NqlComparison = "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "in" | "nin";
export type NqlNode = { kind: "and" | "or"; items: NqlNode[] } | { kind: "term"; field: string; cmp: NqlComparison; values: NqlValue[] };

export class NqlError extends Error {
  constructor(message: string) {
    super(`filter: ${message}`);
    this.name = "NqlError";
  }
}

/** Longer filters and more terms than any real client sends: a bound on the SQL one makes. */
export const NQL_MAX_LENGTH = 1000;
export const NQL_MAX_TERMS = 30;
const MAX_DEPTH = 8;

export function parseNql(source: string): NqlNode {
  if (source.length > NQL_MAX_LENGTH) throw new NqlError(`keep it under ${NQL_MAX_LENGTH} characters`);
  let at = 0;
  let terms = 0;
  const peek = () => source[at];
  const skipSpace = () => {
    while (at < source.length && /\s/.test(source[at]!)) at++;
  };
  const fail = (what: string): never => {
    throw new NqlError(`${what} at character ${at + 1} of ${JSON.stringify(source)}`);
  };

  function value(inList: boolean): NqlValue {
    skipSpace();
    if (peek() === "'") {
      at++;
      let text = "";
      while (at < source.length && source[at] !== "'") {
        if (source[at] === "\\" && at + 1 < source.length) at++;
        text += source[at++];
      }
      if (peek() !== "'") fail("a quote is not closed");
      at++;
      return text;
    }
    const stop = inList ? /[\s,\]]/ : /[\s+,()]/;
    const start = at;
    while (at < source.length && !stop.test(source[at]!)) {
      if (/[[\]()'"~$]/.test(source[at]!)) fail(`"${source[at]}" is not supported here (quote the value if it is part of it)`);
      at++;
    }
    const word = source.slice(start, at);
    if (!word) fail("a value is missing");
    return word === "true" ? true : word === "false" ? false : word === "null" ? null : word;
  }

  function term(): NqlNode {
    skipSpace();
    const start = at;
    while (at < source.length && /[a-z0-9_.]/i.test(source[at]!)) at++;
    const field = source.slice(start, at).toLowerCase();
    if (!field) fail("a field name is missing");
    if (peek() !== ":") fail(`"${field}" needs a colon and a value, as in ${field}:value`);
    at++;
    if (++terms > NQL_MAX_TERMS) throw new NqlError(`at most ${NQL_MAX_TERMS} conditions`);
    let negated = false;
    if (peek() === "-") {
      negated = true;
      at++;
    }
    if (peek() === "[") {
      at++;
      const values: NqlValue[] = [];
      for (;;) {
        values.push(value(true));
        skipSpace();
        if (peek() === ",") at++;
        else if (peek() === "]") break;
        else fail("a list needs a closing ]");
      }
      at++;
      return { kind: "term", field, cmp: negated ? "nin" : "in", values };
    }
    let cmp: NqlComparison = negated ? "ne" : "eq";
    const op = /^(>=|<=|>|<)/.exec(source.slice(at))?.[0];
    if (op) {
      if (negated) fail("- and a comparison cannot go together");
      cmp = ({ ">": "gt", ">=": "gte", "<": "lt", "<=": "lte" } as const)[op as ">" | ">=" | "<" | "<="];
      at += op.length;
    } else if (peek() === "~") fail("~ (contains) is not supported");
    return { kind: "term", field, cmp, values: [value(false)] };
  }

  function atom(depth: number): NqlNode {
    skipSpace();
    if (peek() !== "(") return term();
    if (depth >= MAX_DEPTH) throw new NqlError(`at most ${MAX_DEPTH} levels of parentheses`);
    at++;
    const inner = or(depth + 1);
    skipSpace();
    if (peek() !== ")") fail("a parenthesis is not closed");
    at++;
    return inner;
  }

  function group(kind: "and" | "or", sep: string, next: () => NqlNode): NqlNode {
    const items = [next()];
    for (;;) {
      skipSpace();
      if (peek() !== sep) break;
      at++;
      items.push(next());
    }
    return items.length === 1 ? items[0]! : { kind, items };
  }

  const and = (depth: number) => group("and", "+", () => atom(depth));
  const or = (depth: number): NqlNode => group("or", ",", () => and(depth));

  const tree = or(0);
  skipSpace();
  if (at < source.length) fail(`unexpected "${source[at]}"`);
  return tree;
}
