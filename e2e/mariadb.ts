/**
 * Debian's MariaDB server on loopback for the MySQL CDC test: a fresh data directory, the binary log in ROW
 * format with full row images and a server id (what Debezium's binlog reader needs), TLS with a certificate of
 * the test's own CA (Floe renders `database.ssl.mode=required`). As root the server runs as the package's `mysql`
 * user (`--user`); `e2e/install.sh` installs `mariadb-server` when it is missing.
 */
import { execFileSync } from "child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { freePort, Service, startService, waitFor } from "./process";
import { CertificateAuthority } from "./tls";

/** A running server. */
export class MariaDbServer {
  constructor(
    private readonly service: Service,
    private readonly socket: string,
    public readonly dir: string,
    public readonly host: string,
    public readonly port: number,
  ) {}

  /** Run SQL as root over the socket; the client's tab-separated output. */
  public sql(sql: string, database?: string): string {
    return execFileSync("mariadb", ["--no-defaults", "-S", this.socket, "-u", "root", "-N", "-B", ...(database ? [database] : []), "-e", sql], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  }

  public async stop(): Promise<void> {
    await this.service.stop(20_000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Initialise a data directory in a temporary folder and start the server on a free loopback port. */
export async function startMariaDb(): Promise<MariaDbServer> {
  if (!existsSync("/usr/sbin/mariadbd")) throw new Error("e2e: no /usr/sbin/mariadbd; run bash e2e/install.sh (it installs Debian's mariadb-server)");
  const dir = mkdtempSync(join(tmpdir(), "floe-e2e-mariadb-"));
  const ca = new CertificateAuthority(dir, "db-ca");
  const server = ca.issue("server", "/CN=127.0.0.1", ["IP:127.0.0.1", "DNS:localhost"]);
  const root = process.getuid?.() === 0;
  if (root) {
    const uid = Number(execFileSync("id", ["-u", "mysql"], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", "mysql"], { encoding: "utf8" }));
    for (const f of [dir, server.keyFile, server.certFile]) chownSync(f, uid, gid);
  }
  const data = join(dir, "data");
  const user = root ? ["--user=mysql"] : [];
  // Its temporary files in its own folder (owned by the server's user), removed with it when the server stops:
  // mariadbd and mariadb-install-db otherwise write them to TMPDIR (the e2e tier's run folder, test/e2e-global-tmpdir.js).
  execFileSync("mariadb-install-db", ["--no-defaults", `--datadir=${data}`, ...user, "--auth-root-authentication-method=normal", "--skip-test-db"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TMPDIR: dir },
  });
  const port = await freePort();
  const socket = join(dir, "mariadb.sock");
  const service = startService(
    "mariadb",
    "/usr/sbin/mariadbd",
    [
      "--no-defaults",
      `--datadir=${data}`,
      ...user,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      `--socket=${socket}`,
      `--pid-file=${join(dir, "mariadb.pid")}`,
      `--tmpdir=${dir}`,
      `--log-bin=${join(dir, "binlog")}`,
      "--binlog-format=ROW",
      "--binlog-row-image=FULL",
      "--server-id=1",
      `--ssl-cert=${server.certFile}`,
      `--ssl-key=${server.keyFile}`,
      `--ssl-ca=${ca.certFile}`,
    ],
    join(dir, "mariadb.log"),
  );
  const db = new MariaDbServer(service, socket, dir, "127.0.0.1", port);
  await waitFor(service, "connections", async () => {
    try {
      db.sql("SELECT 1");
      return true;
    } catch {
      return false;
    }
  }, 60_000);
  return db;
}
