/** Certificates of the test's own, made with openssl: a CA and certificates it signs (PEM, PKCS#8 keys). */
import { execFileSync } from "child_process";
import { readFileSync, writeFileSync } from "fs";
import { join } from "path";

function openssl(dir: string, ...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/** A CA in `dir` (`<name>.crt`, `<name>.key`). */
export class CertificateAuthority {
  /** The CA certificate (PEM). */
  public readonly cert: string;
  /** Its file. */
  public readonly certFile: string;

  constructor(
    private readonly dir: string,
    private readonly name: string,
  ) {
    openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=${name}`);
    this.certFile = join(dir, `${name}.crt`);
    this.cert = readFileSync(this.certFile, "utf8");
  }

  /**
   * A certificate for `subject` (e.g. `/O=io.strimzi/CN=x`) in `<file>.crt`/`<file>.key`: for the given subject
   * alternative names a server certificate that may also authenticate as a client (Kafka brokers use theirs
   * both ways on the control plane and replication listeners), else a client certificate.
   */
  public issue(file: string, subject: string, serverNames?: readonly string[]): { cert: string; key: string; certFile: string; keyFile: string } {
    openssl(this.dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${file}.key`, "-out", `${file}.csr`, "-subj", subject);
    writeFileSync(
      join(this.dir, `${file}.ext`),
      serverNames ? `subjectAltName=${serverNames.join(",")}\nextendedKeyUsage=serverAuth,clientAuth\n` : "extendedKeyUsage=clientAuth\n",
    );
    openssl(this.dir, "x509", "-req", "-in", `${file}.csr`, "-CA", `${this.name}.crt`, "-CAkey", `${this.name}.key`, "-CAcreateserial", "-out", `${file}.crt`, "-days", "2", "-extfile", `${file}.ext`);
    const certFile = join(this.dir, `${file}.crt`);
    const keyFile = join(this.dir, `${file}.key`);
    return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8"), certFile, keyFile };
  }
}

/** An RSA key pair in `<file>.key` and `<file>.pub` (the API server's service-account signing keys). */
export function keyPair(dir: string, file: string): { keyFile: string; pubFile: string } {
  openssl(dir, "genrsa", "-out", `${file}.key`, "2048");
  openssl(dir, "rsa", "-in", `${file}.key`, "-pubout", "-out", `${file}.pub`);
  return { keyFile: join(dir, `${file}.key`), pubFile: join(dir, `${file}.pub`) };
}
