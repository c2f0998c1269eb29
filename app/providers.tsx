"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { useEffect, useState, type ReactNode } from "react";
import type { AppRouter } from "@/server/root";
import { TRPCProvider } from "@/components/trpc";
import { adoptPageToken, clearTokenFromAddressBar, PAGE_TOKEN_HEADER, TOKEN_STORAGE_KEY } from "@/core/page-token";

function pageTokenHeaders(): Record<string, string> {
  const token = typeof window === "undefined" ? null : window.localStorage.getItem(TOKEN_STORAGE_KEY);
  return token ? { [PAGE_TOKEN_HEADER]: token } : {};
}

export function Providers({ children }: { children: ReactNode }) {
  // Before the first request: the token a first visit's URL brought; then out of the address bar.
  useState(adoptPageToken);
  useEffect(() => void setTimeout(clearTokenFromAddressBar, 0), []);
  // Data is pushed by subscriptions, so queries need no refetch timers.
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, refetchOnWindowFocus: false } } }));
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc" }),
          // Every change needs the token in a header (core/access); a query sends it too, so the page knows it may change.
          false: httpBatchLink({ url: "/api/trpc", headers: () => pageTokenHeaders() }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
