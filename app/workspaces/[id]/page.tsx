import { notFound } from "next/navigation";
import { WorkspacePage } from "@/components/workspace-page";

export const dynamic = "force-dynamic";

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const workspaceId = Number(id);
  if (!Number.isInteger(workspaceId) || workspaceId <= 0) notFound();
  return <WorkspacePage key={workspaceId} workspaceId={workspaceId} />;
}
