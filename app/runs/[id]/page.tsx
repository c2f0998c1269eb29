import { notFound } from "next/navigation";
import { RunPage } from "@/components/run-page";

export const dynamic = "force-dynamic";

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const runId = Number(id);
  if (!Number.isInteger(runId) || runId <= 0) notFound();
  return <RunPage runId={runId} />;
}
