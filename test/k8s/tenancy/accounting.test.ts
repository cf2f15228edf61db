import { checkCapacity, flinkMemoryBytes, formatCpu, parseCpu, splitKafkaQuota } from "../../../lib/internal";

const ctx = { scope: "tenants[0]", field: "kafkaQuota" };
const claim = (user: string, share?: number) => ({ user, share, ctx: { scope: `x.${user}`, field: "quotaShare" } });

describe("splitKafkaQuota", () => {
  test("explicit shares first, the rest equally, rounded down", () => {
    const { quotas, issues } = splitKafkaQuota({ producerByteRate: 1000, consumerByteRate: 3001 }, [claim("a", 0.5), claim("b"), claim("c")], ctx);
    expect(issues).toEqual([]);
    expect(quotas.get("a")).toEqual({ producerByteRate: 500, consumerByteRate: 1500 });
    expect(quotas.get("b")).toEqual({ producerByteRate: 250, consumerByteRate: 750 });
    expect(quotas.get("c")).toEqual({ producerByteRate: 250, consumerByteRate: 750 });
  });

  test("fails QuotaSharesExceedOne and InvalidQuotaShare", () => {
    expect(splitKafkaQuota({ producerByteRate: 1 }, [claim("a", 0.7), claim("b", 0.6)], ctx).issues[0]).toMatchObject({ code: "QuotaSharesExceedOne", scope: "tenants[0]" });
    expect(splitKafkaQuota({ producerByteRate: 1 }, [claim("a", 1), claim("b")], ctx).issues[0].message).toMatch(/1 user\(s\) without a share need the rest/);
    expect(splitKafkaQuota({ producerByteRate: 1 }, [claim("a", 0)], ctx).issues[0]).toMatchObject({ code: "InvalidQuotaShare", scope: "x.a" });
  });
});

describe("checkCapacity", () => {
  test("names every tenant's part and the total", () => {
    const [i] = checkCapacity("the CPU quota", 24000, [{ tenant: "payments", amount: 16000 }, { tenant: "analytics", amount: 12000 }], { scope: "regions[0]", field: "capacity.cpu" }, formatCpu);
    expect(i.code).toBe("RegionCapacityExceeded");
    expect(i.message).toBe("the CPU quota of tenants analytics (12), payments (16) totals 28, over the region's capacity of 24");
    expect(i.fix).toBe("lower the tenants' the CPU quota by 4 in total, or raise the region's capacity");
    expect(checkCapacity("x", undefined, [{ tenant: "a", amount: 1 }], { scope: "", field: "" })).toEqual([]);
    expect(checkCapacity("x", 2, [{ tenant: "a", amount: 2 }], { scope: "", field: "" })).toEqual([]);
  });
});

describe("quantities", () => {
  test("CPU and Flink memory", () => {
    expect(parseCpu("500m", ctx).millis).toBe(500);
    expect(parseCpu("2.5", ctx).millis).toBe(2500);
    expect(parseCpu("x", ctx).issues[0].code).toBe("InvalidQuantity");
    expect(formatCpu(4000)).toBe("4");
    expect(formatCpu(2500)).toBe("2500m");
    expect(flinkMemoryBytes("2048m")).toBe(2048 * 1024 ** 2);
    expect(flinkMemoryBytes("4g")).toBe(4 * 1024 ** 3);
    expect(flinkMemoryBytes("4Gi")).toBe(4 * 1024 ** 3);
    expect(flinkMemoryBytes("lots")).toBeUndefined();
  });
});
