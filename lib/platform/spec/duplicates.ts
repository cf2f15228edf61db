// Names declared twice in a list of the spec.

import { ValidationIssue } from "../../core";

/** One `Duplicate<What>` issue per item whose name an earlier item of `items` (at `listPath`) already has. */
export function duplicateNames(code: string, listPath: string, items: readonly { readonly name: string }[], what: string): ValidationIssue[] {
  const first = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  items.forEach((item, i) => {
    const j = first.get(item.name);
    if (j === undefined) {
      first.set(item.name, i);
      return;
    }
    issues.push({
      code,
      scope: `${listPath}[${i}]`,
      field: "name",
      value: item.name,
      message: `is also the name of ${listPath}[${j}]`,
      fix: `declare each ${what} once`,
    });
  });
  return issues;
}
