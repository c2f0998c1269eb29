import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getDb } from "@/server/db";
import { appRouter } from "@/server/root";
import { readLimitedBody } from "@/server/body-limit";
import { requestCredential } from "@/server/access-policy";
import { streamClient } from "@/server/stream-slots";

export const dynamic = "force-dynamic";

const handler = async (req: Request) => {
  // A chunked body past the limit (cut by Next, or whole) is refused, never parsed half.
  const read = await readLimitedBody(req);
  if (!read.ok) return read.response;
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: read.body === null ? req : new Request(req, { body: read.body }),
    router: appRouter,
    createContext: () => ({ db: getDb(), credential: requestCredential(req.headers), client: streamClient(req.headers) }),
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"}:`, error.cause ?? error);
    },
  });
};

export { handler as GET, handler as POST };
