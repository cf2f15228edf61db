/**
 * moto's server mode (PyPI `moto[server]`, pinned in e2e/python/requirements.txt; e2e/install.sh installs it): an S3
 * endpoint on loopback for the Iceberg sink's warehouse. It accepts any access key and does not check signatures
 * (no INITIAL_NO_AUTH_ACTION_COUNT), but serves private objects to authenticated requests only: requests here carry
 * an Authorization header naming the test key.
 */
import { join } from "path";
import { existsSync } from "fs";
import { CACHE, runDir } from "./paths";
import { freePort, Service, startService, waitFor } from "./process";

/** What moto reads of an Authorization header: the access key (the signature is not checked). */
const AUTH = { authorization: "AWS4-HMAC-SHA256 Credential=e2e/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0" };

/** A running moto server. */
export class MotoS3 {
  constructor(
    private readonly service: Service,
    /** `http://127.0.0.1:<port>`. */
    public readonly endpoint: string,
  ) {}

  /** Create a bucket in `region`. */
  public async createBucket(bucket: string, region: string): Promise<void> {
    const body = region === "us-east-1" ? undefined : `<CreateBucketConfiguration><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`;
    const r = await fetch(`${this.endpoint}/${bucket}`, { method: "PUT", body, headers: AUTH });
    if (!r.ok) throw new Error(`e2e: moto refused bucket ${bucket}: ${r.status} ${await r.text()}`);
  }

  /** Every key of a bucket (under `prefix`), sorted. */
  public async keys(bucket: string, prefix = ""): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const q = new URLSearchParams({ "list-type": "2", prefix, ...(token ? { "continuation-token": token } : {}) });
      const r = await fetch(`${this.endpoint}/${bucket}?${q}`, { headers: AUTH });
      const xml = await r.text();
      if (!r.ok) throw new Error(`e2e: listing ${bucket}: ${r.status} ${xml}`);
      for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(m[1]);
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml) ? /<NextContinuationToken>([^<]*)</.exec(xml)?.[1] : undefined;
    } while (token);
    return keys.sort();
  }

  /** An object's bytes. */
  public async get(bucket: string, key: string): Promise<Buffer> {
    const r = await fetch(`${this.endpoint}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`, { headers: AUTH });
    if (!r.ok) throw new Error(`e2e: GET s3://${bucket}/${key}: ${r.status}`);
    return Buffer.from(await r.arrayBuffer());
  }

  public tail(lines = 40): string {
    return this.service.tail(lines);
  }

  public async stop(): Promise<void> {
    await this.service.stop();
  }
}

/** Start moto's server on a free loopback port. */
export async function startMotoS3(): Promise<MotoS3> {
  const bin = join(CACHE, "python", "bin", "moto_server");
  if (!existsSync(bin)) throw new Error(`e2e: moto_server is not installed at ${bin}; run bash e2e/install.sh (npm run test:e2e does)`);
  const port = await freePort();
  const dir = runDir("moto");
  const service = startService("moto", bin, ["-H", "127.0.0.1", "-p", String(port)], join(dir, "moto.log"));
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(service, "its S3 endpoint", async () => (await fetch(`${endpoint}/`)).ok, 60_000);
  return new MotoS3(service, endpoint);
}
