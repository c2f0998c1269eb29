import { notFound } from "next/navigation";
import { HyperparameterPage } from "@/components/hyperparameter-page";

export const dynamic = "force-dynamic";

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const sessionId = Number(id);
  if (!Number.isInteger(sessionId) || sessionId <= 0) notFound();
  return <HyperparameterPage scope={{ kind: "session", id: sessionId }} />;
}
