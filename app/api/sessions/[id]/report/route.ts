import { reportDownload } from "@/server/report-download";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  return reportDownload((await params).id);
}
