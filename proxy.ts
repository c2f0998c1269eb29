/**
 * Runs before every route (pages, tRPC and its event streams, downloads, static files): refuses a foreign
 * Host, a foreign Origin, a cross-site change and a missing token with 403 and the reason, and puts the
 * security headers and a fresh CSP nonce on everything it lets through. See docs/decisions/0011.
 */
import { NextResponse, type NextRequest } from "next/server";
import { decideAccess, readKeyOf, tokenMatchesDigest } from "./core/access";
import { PAGE_TOKEN_HEADER, TOKEN_FRAGMENT } from "./core/page-token";
import { accessPolicy, CREDENTIAL_HEADER, readKeyCookieName, webSettings } from "./server/access-policy";
import { contentSecurityPolicy, setSecurityHeaders } from "./server/security-headers";
import { bodyTooLarge, MAX_BODY_BYTES } from "./server/body-limit";
import { trpcRefusal } from "./server/trpc-refusal";

function refusal(request: NextRequest, status: number, reason: string, csp: string): NextResponse {
  const message = `Overseer refused this request: ${reason}`;
  const trpc = trpcRefusal(request.nextUrl, status, message);
  const refused = trpc ? NextResponse.json(trpc, { status }) : new NextResponse(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
  setSecurityHeaders(refused.headers, csp);
  return refused;
}

export function proxy(request: NextRequest): NextResponse {
  const { policy, digest, readDigest } = accessPolicy();
  const cookieName = readKeyCookieName(webSettings().port);
  const authorization = request.headers.get("authorization");
  const bearer = authorization === null ? null : (/^Bearer\s+(\S+)$/i.exec(authorization)?.[1] ?? "");
  const decision = decideAccess(
    {
      method: request.method,
      host: request.headers.get("host"),
      origin: request.headers.get("origin"),
      secFetchSite: request.headers.get("sec-fetch-site"),
      tokens: { bearer, page: request.headers.get(PAGE_TOKEN_HEADER), cookie: request.cookies.get(cookieName)?.value ?? null, query: request.nextUrl.searchParams.get("token") },
    },
    policy,
    {
      token: (t) => digest !== null && tokenMatchesDigest(t, digest),
      readKey: (k) => readDigest !== null && tokenMatchesDigest(k, readDigest),
    },
  );
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");

  if (!decision.ok) return refusal(request, decision.status, decision.reason, csp);
  const length = Number(request.headers.get("content-length") ?? 0);
  // Next buffers a body for the proxy and cuts it at the limit: refuse a declared length over it here (a chunked
  // body has none: the route refuses it, server/body-limit).
  if (length > MAX_BODY_BYTES) return refusal(request, 413, bodyTooLarge(length), csp);
  if (decision.rememberToken) {
    // The URL's token goes to the page in the fragment (never sent to a server; the page keeps it in its origin's
    // localStorage and clears the address bar, app/providers), and its read key into the cookie, for page loads.
    // Built on the (checked) Host header: behind a wildcard bind or a tunnel, the server's idea of its own URL is wrong.
    const token = request.nextUrl.searchParams.get("token")!;
    const clean = new URL(`${request.nextUrl.pathname}${request.nextUrl.search}`, `${request.nextUrl.protocol}//${request.headers.get("host")}`);
    clean.searchParams.delete("token");
    clean.hash = `${TOKEN_FRAGMENT}=${token}`;
    const redirect = NextResponse.redirect(clean, 303);
    redirect.cookies.set(cookieName, readKeyOf(token), { httpOnly: true, sameSite: "lax", path: "/", maxAge: 30 * 24 * 3600 });
    setSecurityHeaders(redirect.headers, csp);
    return redirect;
  }
  const forwarded = new Headers(request.headers);
  forwarded.set("content-security-policy", csp); // Next reads the nonce from here for its inline scripts
  // What proved the token, for the routes (a decision records it); set here only, whatever the client sent.
  forwarded.set(CREDENTIAL_HEADER, decision.credential ?? "none");
  const response = NextResponse.next({ request: { headers: forwarded } });
  setSecurityHeaders(response.headers, csp);
  return response;
}
