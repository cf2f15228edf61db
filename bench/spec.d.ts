/** The bench's regions. */
export declare const REGIONS: readonly string[];
/** A generated spec (plain JSON, to parse with parsePlatformSpec) of `tenants` tenants x 3 regions. */
export declare function generateSpec(tenants: number): Record<string, any>;
