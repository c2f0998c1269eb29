import { notFound } from "next/navigation";
import { SessionPage } from "@/components/session-page";

export const dynamic = "force-dynamic";

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const sessionId = Number(id);
  if (!Number.isInteger(sessionId) || sessionId <= 0) notFound();
  return <SessionPage sessionId={sessionId} />;
}
