/**
 * The fake Claude API as a server of its own, for trying the claude proposer without a key:
 *   npx tsx test/fake-anthropic/main.ts [--port 8787] [--key test-key]
 *   ANTHROPIC_BASE_URL=http://127.0.0.1:8787 ANTHROPIC_API_KEY=test-key bin/overseer loop examples/tiny-lm --proposer claude
 * It follows the documented contract (./contract.ts) and answers as ./researcher.ts scripts it. Ctrl-C stops it.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { researcherBrain } from "./researcher";
import { startFakeAnthropic, type RecordedRequest } from "./server";

/** A request as its shape: which fields, which tools (strict or not), where the cache breakpoints are. */
function shapeOf(r: RecordedRequest) {
  const b = r.body;
  const cc = (v: unknown) => (v && typeof v === "object" && "cache_control" in v ? (v as { cache_control: unknown }).cache_control : undefined);
  return {
    model: b.model,
    fields: Object.keys(b).sort(),
    max_tokens: b.max_tokens,
    stream: b.stream ?? false,
    thinking: b.thinking ?? null,
    output_config: b.output_config ?? null,
    tool_choice: b.tool_choice ?? null,
    tools: (b.tools ?? []).map((t) => `${t.name}${t.strict ? " (strict)" : ""}`),
    cache: {
      system: Array.isArray(b.system) ? b.system.map(cc) : [],
      firstMessage: Array.isArray(b.messages[0]?.content) ? (b.messages[0]!.content as unknown[]).map(cc) : [],
      topLevel: b.cache_control ?? null,
    },
    messages: b.messages.length,
    error: r.error ?? null,
    stop_reason: r.response?.stop_reason ?? null,
    usage: r.response?.usage ?? null,
  };
}

async function main() {
  const { values } = parseArgs({ options: { port: { type: "string", default: "8787" }, key: { type: "string", default: "test-key" }, record: { type: "string" } } });
  const fake = await startFakeAnthropic(researcherBrain(), { port: Number(values.port), apiKey: values.key });
  // --record FILE: one line per request, its shape (not its text) and what it cost in tokens.
  if (values.record) {
    const file = values.record;
    let written = 0;
    setInterval(() => {
      for (const r of fake.requests.slice(written)) fs.appendFileSync(file, `${JSON.stringify(shapeOf(r))}\n`);
      written = fake.requests.length;
    }, 200).unref();
  }
  console.log(`fake Claude API on ${fake.url} (key ${values.key})`);
  const stop = () => {
    const calls = fake.requests.length;
    const refused = fake.requests.filter((r) => r.error).length;
    console.log(`\n${calls} requests, ${refused} refused`);
    for (const r of fake.requests.filter((x) => x.error)) console.log(`  refused: ${r.error!.status} ${r.error!.message}`);
    void fake.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
