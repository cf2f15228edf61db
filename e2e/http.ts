import { IncomingMessage } from "http";

/** Read a response's body; the parsed JSON, or the text when it is not JSON (e.g. /readyz). */
export function readBody(res: IncomingMessage): Promise<unknown> {
  return new Promise((done, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("error", reject);
    res.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        done(text ? JSON.parse(text) : undefined);
      } catch {
        done(text);
      }
    });
  });
}
