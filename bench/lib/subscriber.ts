/**
 * A tRPC subscriber in a process of its own: follows run.live over HTTP (server-sent events, as the browser's
 * httpSubscriptionLink does) and prints, for each new point of the series "sent", its step, the trainer's
 * timestamp and the time it arrived here.
 *   node --import tsx bench/lib/subscriber.ts URL RUN_ID
 */
const [url, runId] = process.argv.slice(2);

async function main() {
  const res = await fetch(`${url}/api/trpc/run.live?input=${encodeURIComponent(JSON.stringify({ runId: Number(runId) }))}`, { headers: { accept: "text/event-stream" } });
  if (!res.ok || !res.body) throw new Error(`run.live answered ${res.status}`);
  console.log("connected");
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    const at = Date.now();
    pending += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      const event = pending.slice(0, end);
      pending = pending.slice(end + 2);
      const data = event
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trim())
        .join("\n");
      if (data?.[0] !== "{") continue;
      const msg = JSON.parse(data) as { data?: { points?: { series: string; step: number; value: number }[] }; points?: { series: string; step: number; value: number }[] };
      for (const p of (msg.data ?? msg).points ?? []) if (p.series === "sent") console.log(`${p.step} ${p.value} ${at}`);
    }
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
