import { ChildProcess, spawn, SpawnOptions } from "child_process";
import { closeSync, existsSync, openSync, readFileSync } from "fs";
import { createServer } from "net";

/** A component started in the background, its output in a log file. */
export interface Service {
  readonly name: string;
  readonly log: string;
  readonly child: ChildProcess;
  /** Stop it (SIGTERM, then SIGKILL after `graceMs`) and wait for it to exit. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of its log, for failure messages. */
  tail(lines?: number): string;
}

const running = new Set<Service>();

// A test run that is interrupted still stops what it started.
for (const signal of ["exit", "SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill("SIGKILL");
    if (signal !== "exit") process.exit(130);
  });
}

/** Start `command args` with stdout and stderr appended to `log`. */
export function startService(name: string, command: string, args: readonly string[], log: string, options: SpawnOptions = {}): Service {
  const fd = openSync(log, "a");
  const child = spawn(command, args, { ...options, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const tail = (lines = 40): string => (existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(-lines).join("\n") : "");
  const service: Service = {
    name,
    log,
    child,
    tail,
    async stop(graceMs = 10_000) {
      running.delete(service);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(service);
  return service;
}

/**
 * Poll `ready` until it returns true; fail with the service's log when it exits first or `timeoutMs` passes.
 */
export async function waitFor(service: Service, what: string, ready: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) {
      throw new Error(`e2e: ${service.name} exited (${service.child.exitCode ?? service.child.signalCode}) before ${what}; log ${service.log}:\n${service.tail()}`);
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`e2e: ${service.name}: no ${what} after ${timeoutMs} ms; log ${service.log}:\n${service.tail()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Ports this process has handed out: a component may not bind its port until after others were chosen. */
const handedOut = new Set<number>();

/** A port the OS chooses for a listener on 127.0.0.1, closed again at once. */
function ephemeralPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago and that this process has not handed out before. Several
 * ports chosen before any is bound (a broker's listeners, three brokers) could otherwise be the same: the OS
 * gives a just-closed port out again (seen: two brokers given one listener port, the second failing to start).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await ephemeralPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error("e2e: no fresh loopback port after 100 attempts");
}
