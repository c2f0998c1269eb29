import { selectionDownload } from "@/server/export-download";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return selectionDownload(request);
}
