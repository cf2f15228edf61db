// js-yaml gives every alias the object of its anchor: a parsed document reaches that object again.

/**
 * How many times an object or list is reached again in `values` (the uses of aliases in js-yaml's result), counting
 * no further once above `stopAbove`. Linear in the distinct objects, however large an alias bomb's expansion.
 */
export function sharedObjectUses(values: readonly unknown[], stopAbove = Number.POSITIVE_INFINITY): number {
  const seen = new Set<object>();
  let uses = 0;
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object" || uses > stopAbove) return;
    if (seen.has(v)) {
      uses++;
      return;
    }
    seen.add(v);
    for (const child of Array.isArray(v) ? v : Object.values(v)) walk(child);
  };
  values.forEach(walk);
  return uses;
}
