import { notFound } from "next/navigation";
import { ExperimentPage } from "@/components/experiment-page";

export const dynamic = "force-dynamic";

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const experimentId = Number(id);
  if (!Number.isInteger(experimentId) || experimentId <= 0) notFound();
  return <ExperimentPage key={experimentId} experimentId={experimentId} />;
}
