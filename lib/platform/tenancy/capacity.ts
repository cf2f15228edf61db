// A region's capacity against its tenants' quotas, and each tenant's Flink jobs (autoscaled ones at their bounds) against its own.

import { parseBytes, ValidationIssue } from "../../core";
import { AUTOSCALER_DEFAULT_MAX_PARALLELISM, FlinkApplication } from "../../k8s/flink";
import { KafkaCluster, KafkaTopic } from "../../k8s/kafka";
import { checkCapacity, formatCpu, parseCpu } from "../../k8s/tenancy";
import { TenantBuild } from "../compose/context";
import { tenantUserName } from "../names";
import { RegionSpec } from "../spec/schema";

/**
 * The region's capacity against its tenants' quotas (CPU, memory, pods, Kafka byte rates, partitions), and
 * each tenant's Flink jobs against its own quota.
 */
export function capacityIssues(region: RegionSpec, regionIndex: number, builds: readonly TenantBuild[], kafka: KafkaCluster): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const cap = region.capacity ?? {};
  const ctx = (field: string) => ({ scope: `regions[${regionIndex}]`, field: `capacity.${field}` });
  const cpu = (v: string | number) => parseCpu(String(v), { scope: "", field: "" }).millis ?? 0;
  const mem = (v: string) => parseBytes(v, { scope: "", field: "" }).bytes ?? 0;
  issues.push(
    ...checkCapacity("the CPU quota", cap.cpu === undefined ? undefined : cpu(cap.cpu), builds.map((b) => ({ tenant: b.tenant.tenantName, amount: cpu(b.tenant.quota.cpu) })), ctx("cpu"), formatCpu),
    ...checkCapacity("the memory quota", cap.memory === undefined ? undefined : mem(cap.memory), builds.map((b) => ({ tenant: b.tenant.tenantName, amount: mem(b.tenant.quota.memory) })), ctx("memory"), formatBytes),
    ...checkCapacity("the pod quota", cap.pods, builds.map((b) => ({ tenant: b.tenant.tenantName, amount: b.tenant.quota.pods })), ctx("pods")),
    ...checkCapacity("the Kafka producer byte rate", cap.producerByteRate, builds.map((b) => ({ tenant: b.tenant.tenantName, amount: b.spec.kafkaQuota?.producerByteRate ?? 0 })), ctx("producerByteRate")),
    ...checkCapacity("the Kafka consumer byte rate", cap.consumerByteRate, builds.map((b) => ({ tenant: b.tenant.tenantName, amount: b.spec.kafkaQuota?.consumerByteRate ?? 0 })), ctx("consumerByteRate")),
  );
  const partitionsOf = (b: TenantBuild) =>
    b.chart.node.findAll().filter((c): c is KafkaTopic => c instanceof KafkaTopic && c.cluster === kafka).reduce((n, t) => n + t.partitions, 0);
  issues.push(...checkCapacity("the topic partitions", cap.partitions, builds.map((b) => ({ tenant: b.tenant.tenantName, amount: partitionsOf(b) })), ctx("partitions")));
  for (const b of builds) {
    const quota = tenantQuotaAmounts(b);
    issues.push(...autoscalerQuotaIssues(b, quota, region.name));
    const used = [...b.jobs, ...b.sessions].reduce((sum, j) => ({ cpu: sum.cpu + j.footprint.cpuMillis, memory: sum.memory + j.footprint.memoryBytes, pods: sum.pods + j.footprint.pods }), { cpu: 0, memory: 0, pods: 0 });
    const over: string[] = [];
    if (used.cpu > quota.cpu) over.push(`CPU ${formatCpu(used.cpu)} > ${formatCpu(quota.cpu)}`);
    if (used.memory > quota.memory) over.push(`memory ${formatBytes(used.memory)} > ${formatBytes(quota.memory)}`);
    if (used.pods > quota.pods) over.push(`pods ${used.pods} > ${quota.pods}`);
    if (over.length > 0) {
      issues.push({
        code: "TenantQuotaExceeded",
        scope: b.path,
        field: "quota",
        value: b.tenant.quota,
        message: `the tenant's Flink jobs need more than its quota in region ${region.name}: ${over.join(", ")}`,
        fix: "raise the tenant's quota, or lower the jobs' parallelism, replicas or resources",
      });
    }
  }
  return issues;
}

interface TenantQuotaAmounts {
  readonly cpu: number;
  readonly memory: number;
  readonly pods: number;
}

/** A tenant's quota in millicores, bytes and pods. */
function tenantQuotaAmounts(b: TenantBuild): TenantQuotaAmounts {
  const parse = { scope: "", field: "" };
  return { cpu: parseCpu(String(b.tenant.quota.cpu), parse).millis ?? 0, memory: parseBytes(b.tenant.quota.memory, parse).bytes ?? 0, pods: b.tenant.quota.pods };
}

/**
 * What a tenant's quota leaves for one job's TaskManagers: the quota less its other jobs (each at its most,
 * autoscaled ones at their max parallelism) and this job's JobManagers.
 */
function taskManagerRoom(b: TenantBuild, job: FlinkApplication, quota: TenantQuotaAmounts): { cpuMillis: number; memoryBytes: number; pods: number } {
  const others = [...b.jobs.filter((j) => j !== job), ...b.sessions];
  const sum = (f: (fp: FlinkApplication["footprint"]) => number) => others.reduce((n, j) => n + f(j.footprint), 0);
  const tm = job.taskManagerResources;
  const n = job.maxTaskManagers;
  const own = job.footprint;
  return {
    cpuMillis: quota.cpu - sum((f) => f.cpuMillis) - (own.cpuMillis - tm.cpuMillis * n),
    memoryBytes: quota.memory - sum((f) => f.memoryBytes) - (own.memoryBytes - tm.memoryBytes * n),
    pods: quota.pods - sum((f) => f.pods) - (own.pods - n),
  };
}

/** The spec path of a tenant's job construct (`tenants[i].jobs[k]`). */
function jobSpecPath(b: TenantBuild, job: FlinkApplication): string {
  const k = (b.spec.jobs ?? []).findIndex((j) => tenantUserName(b.spec.name, j.name) === job.deploymentName);
  return k >= 0 ? `${b.path}.jobs[${k}]` : b.path;
}

/**
 * An autoscaled job may scale to `ceil(maxParallelism / slots)` TaskManagers: that many must fit in the tenant's
 * quota beside its other jobs, or the autoscaler scales into pods the ResourceQuota refuses.
 */
function autoscalerQuotaIssues(b: TenantBuild, quota: TenantQuotaAmounts, region: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const job of b.jobs.filter((j) => j.autoscalerEnabled)) {
    const room = taskManagerRoom(b, job, quota);
    const tm = job.taskManagerResources;
    const fit = Math.max(0, Math.min(Math.floor(room.cpuMillis / Math.max(1, tm.cpuMillis)), Math.floor(room.memoryBytes / Math.max(1, tm.memoryBytes)), room.pods));
    const n = job.maxTaskManagers;
    if (n <= fit) continue;
    const limit = fit * job.slots;
    issues.push({
      code: "AutoscalerExceedsQuota",
      scope: jobSpecPath(b, job),
      field: "autoscaler.maxParallelism",
      value: job.autoscalerMaxParallelism,
      message:
        `at parallelism ${job.autoscalerMaxParallelism} the autoscaler may run ${n} TaskManagers (${formatCpu(n * tm.cpuMillis)} CPU, ${formatBytes(n * tm.memoryBytes)}), ` +
        `but tenant ${b.tenant.tenantName}'s quota in region ${region} leaves room for ${fit} beside its other jobs`,
      fix:
        limit >= 1
          ? `set autoscaler.maxParallelism to at most ${limit} (the operator's default is ${AUTOSCALER_DEFAULT_MAX_PARALLELISM}), or raise the tenant's quota`
          : "raise the tenant's quota (its other jobs leave no room for this one's TaskManagers)",
    });
  }
  return issues;
}

/**
 * Give each autoscaled job the operator's resource quota (`job.autoscaler.quota.*`): the room its tenant's quota
 * leaves for its TaskManagers, so that the autoscaler never scales beyond what the namespace's ResourceQuota admits.
 */
export function boundAutoscalers(b: TenantBuild): void {
  const quota = tenantQuotaAmounts(b);
  for (const job of b.jobs.filter((j) => j.autoscalerEnabled)) {
    const room = taskManagerRoom(b, job, quota);
    if (room.cpuMillis > 0 && room.memoryBytes > 0) job.limitAutoscaler({ cpu: room.cpuMillis / 1000, memoryBytes: room.memoryBytes });
  }
}

/** Bytes as a binary quantity (`16Gi`), or plain bytes when not a whole number of Mi. */
function formatBytes(bytes: number): string {
  for (const [unit, size] of [["Ti", 1024 ** 4], ["Gi", 1024 ** 3], ["Mi", 1024 ** 2]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
