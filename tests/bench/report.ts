// What every bench prints and records: a table of measures, and its section of BENCHMARKS.md
// (earlier sections stay; this bench's replaces its last run's).
import { execSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown CPU"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ${process.platform}`;
}

function commit(): string {
  try {
    return execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

/** Prints the rows, then writes them as the section `title` of BENCHMARKS.md, with `notes` below. */
export function report(title: string, command: string, rows: [string, string][], notes: string[] = [], context: string[] = []): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n")}\n`);
  const sha = commit();
  const section = [
    `## ${title}`,
    "",
    `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC${sha ? `, commit ${sha}` : ""}. Machine: ${machine()}.`,
    `Command: \`${command}\`.`,
    ...context,
    "",
    "| measure | result |",
    "| --- | --- |",
    ...rows.map(([k, v]) => `| ${k} | ${v.replaceAll("|", "\\|")} |`),
    "",
    ...notes.flatMap((n) => [n, ""]),
    "",
  ].join("\n");
  const file = join(root, "BENCHMARKS.md");
  const before = existsSync(file)
    ? readFileSync(file, "utf8")
    : "# Benchmarks\n\nFigures measured by the scripts in tests/bench/. Each section is replaced by its script's next run.\n";
  const start = before.indexOf(`## ${title}`);
  const end = start < 0 ? -1 : before.indexOf("\n## ", start + 1);
  const next =
    start < 0
      ? `${before.trimEnd()}\n\n${section.trimEnd()}\n`
      : `${before.slice(0, start)}${end < 0 ? `${section.trimEnd()}\n` : `${section}${before.slice(end + 1)}`}`;
  writeFileSync(file, next);
  console.log(`Wrote the figures to ${file}`);
}
