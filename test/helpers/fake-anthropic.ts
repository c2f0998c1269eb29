/**
 * A local fake of the Messages API for tests: a plain node:http server on port 0 that answers each request
 * with the next scripted reply (or a function of the request), and records what it received.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    system?: { type: string; text: string; cache_control?: unknown }[];
    messages: { role: string; content: unknown }[];
    tools?: { name: string }[];
    tool_choice?: unknown;
  };
}

export type Reply =
  | { toolInput: unknown; usage?: { input_tokens: number; output_tokens: number } }
  | { text: string }
  | { status: number; error: { type: string; message: string }; headers?: Record<string, string> }
  | { hang: true };

export interface FakeAnthropic {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** `port` 0 picks a free one; the e2e suite names one, since the runner it talks to starts before the test. */
export async function startFakeAnthropic(script: Reply[] | ((req: RecordedRequest, n: number) => Reply), port = 0): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const rec: RecordedRequest = { headers: req.headers, body: JSON.parse(raw) };
      requests.push(rec);
      const n = requests.length - 1;
      const reply = typeof script === "function" ? script(rec, n) : (script[n] ?? script[script.length - 1]!);
      if ("hang" in reply) return; // never answers: the client's timeout must fire
      if ("status" in reply) {
        res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
        res.end(JSON.stringify({ type: "error", error: reply.error }));
        return;
      }
      // A forced tool is answered by that tool, as the real API does.
      const tool = (rec.body.tool_choice as { name?: string } | undefined)?.name ?? "propose_experiment";
      const content = "toolInput" in reply ? [{ type: "tool_use", id: `toolu_${n}`, name: tool, input: reply.toolInput }] : [{ type: "text", text: reply.text }];
      const usage = "usage" in reply && reply.usage ? reply.usage : { input_tokens: 1000, output_tokens: 200 };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: `msg_${n}`, type: "message", role: "assistant", model: rec.body.model, content, stop_reason: "tool_use", stop_sequence: null, usage }));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** The user message's text of a recorded request. */
export function userText(req: RecordedRequest): string {
  const first = req.body.messages[0]?.content;
  return typeof first === "string" ? first : JSON.stringify(first);
}
