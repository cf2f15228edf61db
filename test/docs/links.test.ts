// Every relative link of the README and of docs/ names a file of the repository, and an anchor names a heading of
// that page (GitHub's slugs). In the generated API reference (docs/api) only the files are checked: for a few merged
// declarations typedoc-plugin-markdown 4.14.1 links a "-1" anchor of a heading it writes once.
import { existsSync, readdirSync, readFileSync } from "fs";
import { dirname, join, relative } from "path";
import { ROOT } from "../helpers";

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? pages(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : [],
  );
}

/** GitHub's heading anchors: lower case, punctuation but `-` and `_` dropped, spaces as `-`, repeats numbered. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fence = false;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("```")) fence = !fence;
    const m = !fence && /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const slug = m[1].toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, "").replace(/ /g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

function links(file: string): string[] {
  const text = readFileSync(file, "utf8").replace(/^```[\s\S]*?^```$/gm, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
}

const FILES = [join(ROOT, "README.md"), ...pages(join(ROOT, "docs"))];

test("the docs have links to check", () => {
  expect(FILES.flatMap(links).length).toBeGreaterThan(50);
});

test.each(FILES.map((f) => [relative(ROOT, f), f]))("%s: every relative link resolves", (_, file) => {
  const broken = links(file).filter((link) => {
    const [path, anchor] = link.split("#");
    const target = path === "" ? file : join(dirname(file), decodeURIComponent(path));
    if (!existsSync(target)) return true;
    const generated = relative(ROOT, file).startsWith("docs/api/");
    return anchor !== undefined && !generated && target.endsWith(".md") && !anchors(target).has(anchor);
  });
  expect(broken).toEqual([]);
});
