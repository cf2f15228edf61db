// Every schema subject of a tenant: its topics' declared schemas and its captured tables' derived ones.

import { SchemaSubject } from "../../k8s/schema";
import { tenantTopicName } from "../names";
import { sourceSubjects } from "../sources/types";
import { TenantSpec } from "../spec/schema";
import { topicSchemaOf } from "./registry";

/** A subject with the local name of the topic it types. */
export interface TenantSubject extends SchemaSubject {
  /** The topic's name without the tenant prefix. */
  readonly topic: string;
}

/** The tenant's subjects (`<topic>-value`, `<topic>-key`), in spec order: topics first, then sources' tables. */
export function tenantSubjects(tenant: TenantSpec, tenantPath: string): TenantSubject[] {
  const subjects: TenantSubject[] = [];
  (tenant.topics ?? []).forEach((t, i) => {
    for (const [which, suffix] of [["valueSchema", "value"], ["keySchema", "key"]] as const) {
      const ref = t[which];
      if (!ref) continue;
      subjects.push({
        topic: t.name,
        subject: `${tenantTopicName(tenant.name, t.name)}-${suffix}`,
        schema: topicSchemaOf(ref, { scope: `${tenantPath}.topics[${i}]`, field: which }),
        compatibility: t.compatibility,
      });
    }
  });
  const prefix = tenantTopicName(tenant.name, "");
  (tenant.sources ?? []).forEach((src, si) =>
    subjects.push(...sourceSubjects(tenant, src, `${tenantPath}.sources[${si}]`).map((s) => ({ ...s, topic: s.subject.slice(prefix.length).replace(/-(key|value)$/, "") }))),
  );
  return subjects;
}
