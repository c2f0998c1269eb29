import { exportDownload } from "@/server/export-download";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return exportDownload(request, (await params).id);
}
