/**
 * The fake Claude API as a server of its own, for trying the claude proposer without a key:
 *   npx tsx test/fake-anthropic/main.ts [--port 8787] [--key test-key]
 *   ANTHROPIC_BASE_URL=http://127.0.0.1:8787 ANTHROPIC_API_KEY=test-key bin/overseer loop examples/tiny-lm --proposer claude
 * It follows the documented contract (./contract.ts) and answers as ./researcher.ts scripts it. Ctrl-C stops it.
 */
import { parseArgs } from "node:util";
import { researcherBrain } from "./researcher";
import { startFakeAnthropic } from "./server";

async function main() {
  const { values } = parseArgs({ options: { port: { type: "string", default: "8787" }, key: { type: "string", default: "test-key" } } });
  const fake = await startFakeAnthropic(researcherBrain(), { port: Number(values.port), apiKey: values.key });
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
