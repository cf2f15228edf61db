/**
 * A real PostgreSQL server (Debian's package, the newest major installed under /usr/lib/postgresql) on loopback
 * for the CDC tests: logical decoding on (`wal_level=logical`, what Debezium's pgoutput plugin needs), TLS with a
 * certificate of the test's own CA (Floe renders `database.sslmode=require`), password logins with SCRAM.
 * `initdb` and `postgres` refuse to run as root: as root they run as the `postgres` user of the package.
 */
import { execFileSync } from "child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { freePort, Service, startService, waitFor } from "./process";
import { CertificateAuthority } from "./tls";

/** The bin folder of the newest PostgreSQL installed from Debian's packages. */
function pgBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))) : [];
  if (versions.length === 0) {
    throw new Error("e2e: no PostgreSQL server under /usr/lib/postgresql; run bash e2e/install.sh (it installs Debian's postgresql)");
  }
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], "bin");
}

/** As root, run as the package's `postgres` user; otherwise as ourselves. */
function asPostgres(command: string, args: readonly string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, [...args]];
}

/** A running server. */
export class PostgresServer {
  constructor(
    private readonly service: Service,
    private readonly bin: string,
    private readonly socketDir: string,
    public readonly dir: string,
    /** 127.0.0.1 */
    public readonly host: string,
    public readonly port: number,
  ) {}

  /** Run SQL as the superuser in `database`; psql's output (tuples only, `|`-separated). */
  public sql(database: string, sql: string): string {
    const [cmd, args] = asPostgres(join(this.bin, "psql"), ["-h", this.socketDir, "-p", String(this.port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql]);
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  }

  public async stop(): Promise<void> {
    await this.service.stop(20_000);
    rmSync(this.dir, { recursive: true, force: true });
  }

  public tail(): string {
    return this.service.tail(40);
  }
}

/** initdb a fresh cluster in a temporary folder and start it on a free loopback port. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = pgBin();
  const dir = mkdtempSync(join(tmpdir(), "floe-e2e-pg-"));
  const data = join(dir, "data");
  const ca = new CertificateAuthority(dir, "pg-ca");
  const server = ca.issue("server", "/CN=127.0.0.1", ["IP:127.0.0.1", "DNS:localhost"]);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
    for (const f of [dir, server.keyFile, server.certFile]) chownSync(f, uid, gid);
  }
  chmodSync(server.keyFile, 0o600);
  const [initdb, initArgs] = asPostgres(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"]);
  execFileSync(initdb, initArgs, { stdio: ["ignore", "pipe", "pipe"] });
  const port = await freePort();
  const [cmd, args] = asPostgres(join(bin, "postgres"), [
    "-D",
    data,
    "-c", "listen_addresses=127.0.0.1",
    "-c", `port=${port}`,
    "-c", `unix_socket_directories=${dir}`,
    "-c", "wal_level=logical",
    "-c", "max_wal_senders=10",
    "-c", "max_replication_slots=10",
    "-c", "ssl=on",
    "-c", `ssl_cert_file=${server.certFile}`,
    "-c", `ssl_key_file=${server.keyFile}`,
    "-c", "fsync=off",
  ]);
  const service = startService("postgres", cmd, args, join(dir, "postgres.log"));
  const pg = new PostgresServer(service, bin, dir, dir, "127.0.0.1", port);
  await waitFor(service, "connections", async () => {
    try {
      pg.sql("postgres", "SELECT 1");
      return true;
    } catch {
      return false;
    }
  }, 60_000);
  return pg;
}
