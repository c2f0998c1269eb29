import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { Providers } from "./providers";
import { RunnerStatus } from "@/components/runner-status";
import { LiveEvents } from "@/components/live-events";
import { ReadOnlyNotice } from "@/components/read-only-notice";
import { WaitingForYou } from "@/components/waiting-for-you";
import "./globals.css";

export const metadata: Metadata = { title: "Overseer", description: "Supervised autoresearch: watch, gate and compare training runs." };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <header className="topbar">
            <Link href="/" className="brand">
              Overseer
            </Link>
            <RunnerStatus />
            <WaitingForYou />
            <ReadOnlyNotice />
            <LiveEvents />
          </header>
          <main className="page">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
