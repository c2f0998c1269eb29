import { describe, expect, it } from "vitest";
import { decideAccess, hostnameOf, isLoopback, readKeyOf, tokenDigest, tokenMatchesDigest, type AccessPolicy, type AccessRequest, type TokenChecks } from "./access";

const TOKEN = "s3cret-token";
const local: AccessPolicy = { hosts: new Set(["localhost", "127.0.0.1", "::1"]), tokenForReads: false };
const remote: AccessPolicy = { hosts: new Set(["localhost", "127.0.0.1", "::1", "gpu-box", "10.0.0.5"]), tokenForReads: true };
const checks: TokenChecks = { token: (t) => tokenMatchesDigest(t, tokenDigest(TOKEN)), readKey: (k) => tokenMatchesDigest(k, tokenDigest(readKeyOf(TOKEN))) };
const none: TokenChecks = { token: () => false, readKey: () => false };

function req(over: Partial<Omit<AccessRequest, "tokens">> & { tokens?: Partial<AccessRequest["tokens"]> } = {}): AccessRequest {
  return { method: "GET", host: "127.0.0.1:3000", origin: null, secFetchSite: null, ...over, tokens: { bearer: null, page: null, cookie: null, query: null, ...over.tokens } };
}
/** What the dashboard's page sends: its token header, from its own origin. */
const fromPage = { origin: "http://127.0.0.1:3000", secFetchSite: "same-origin", tokens: { page: TOKEN } };

describe("hostnameOf", () => {
  it.each([
    ["127.0.0.1:3000", "127.0.0.1"],
    ["LocalHost", "localhost"],
    ["[::1]:8080", "::1"],
    ["gpu-box.lan.:3000", "gpu-box.lan"],
    ["evil.com:3000@127.0.0.1", null],
    ["a b", null],
    ["", null],
  ])("%s → %s", (header, expected) => expect(hostnameOf(header)).toBe(expected));
});

describe("isLoopback", () => {
  it("knows the loopback names and the whole 127/8 block", () => {
    expect(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "::", "10.0.0.5", "gpu-box"].some(isLoopback)).toBe(false);
  });
});

describe("decideAccess on loopback", () => {
  it("lets anyone read, and the dashboard's own page change things, through a tunnel's port too", () => {
    expect(decideAccess(req(), local, checks)).toEqual({ ok: true, rememberToken: false, credential: null });
    expect(decideAccess(req({ method: "POST", host: "localhost:8080", origin: "http://localhost:8080", secFetchSite: "same-origin", tokens: { page: TOKEN } }), local, checks)).toEqual({
      ok: true,
      rememberToken: false,
      credential: "page",
    });
  });

  it("refuses a foreign Host: DNS rebinding", () => {
    const d = decideAccess(req({ host: "attacker.example:3000" }), local, checks);
    expect(d).toMatchObject({ ok: false, status: 403 });
    expect(!d.ok && d.reason).toContain('"attacker.example"');
    expect(!d.ok && d.reason).toContain("OVERSEER_ALLOWED_HOSTS");
    expect(decideAccess(req({ host: null }), local, checks).ok).toBe(false);
  });

  it("refuses a foreign Origin on any method, the event streams' GETs included, whatever token it carries", () => {
    for (const method of ["GET", "POST"]) {
      expect(decideAccess(req({ method, origin: "http://attacker.example", tokens: { bearer: TOKEN } }), local, checks)).toMatchObject({ ok: false, status: 403 });
    }
    expect(decideAccess(req({ method: "POST", origin: "null", tokens: { page: TOKEN } }), local, checks).ok).toBe(false);
    // Another port of the same host is another origin.
    expect(decideAccess(req({ method: "POST", origin: "http://127.0.0.1:3001", tokens: { page: TOKEN } }), local, checks).ok).toBe(false);
  });

  it("treats default ports alike in Host and Origin", () => {
    expect(decideAccess(req({ method: "POST", host: "localhost:80", origin: "http://localhost", tokens: { page: TOKEN } }), local, checks).ok).toBe(true);
  });

  it("refuses a change a browser says comes from another site, but lets a link from elsewhere open a page", () => {
    expect(decideAccess(req({ method: "POST", secFetchSite: "cross-site", tokens: { page: TOKEN } }), local, checks).ok).toBe(false);
    expect(decideAccess(req({ method: "POST", secFetchSite: "same-site", tokens: { bearer: TOKEN } }), local, checks).ok).toBe(false);
    expect(decideAccess(req({ method: "GET", secFetchSite: "cross-site" }), local, checks).ok).toBe(true);
  });

  // Other users of the machine, and a training run without a sandbox, reach loopback too: they send no Origin.
  it("refuses every change without the token, whatever the method", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "post"]) {
      const d = decideAccess(req({ method }), local, checks);
      expect(d).toMatchObject({ ok: false, status: 403 });
      expect(!d.ok && d.reason).toMatch(/changes need this dashboard's access token in a header, on this machine too.*overseer token --reset/);
    }
    expect(decideAccess(req({ method: "POST", origin: "http://127.0.0.1:3000", secFetchSite: "same-origin" }), local, checks).ok).toBe(false);
  });

  // Cookies are not kept apart by port: any program on another port of this host receives them.
  it("never lets a cookie make a change, not even one that holds the token or its read key", () => {
    for (const cookie of [TOKEN, readKeyOf(TOKEN)]) expect(decideAccess(req({ ...fromPage, method: "POST", tokens: { cookie } }), local, checks).ok).toBe(false);
    expect(readKeyOf(TOKEN)).not.toContain(TOKEN);
    expect(checks.token(readKeyOf(TOKEN))).toBe(false);
  });

  it("says which credential made a change: the dashboard's page, or a header from anything else (a script: the API)", () => {
    expect(decideAccess(req({ ...fromPage, method: "POST" }), local, checks)).toMatchObject({ ok: true, credential: "page" });
    expect(decideAccess(req({ method: "POST", tokens: { page: TOKEN } }), local, checks)).toMatchObject({ ok: true, credential: "header" });
    expect(decideAccess(req({ method: "POST", tokens: { bearer: TOKEN } }), local, checks)).toMatchObject({ ok: true, credential: "header" });
    expect(decideAccess(req({ tokens: { query: TOKEN } }), local, checks)).toEqual({ ok: true, rememberToken: true, credential: "url" });
  });

  it("refuses a wrong Authorization, a POST's token in the URL, and a page's stale token's change; a stale page token still reads", () => {
    expect(decideAccess(req({ tokens: { bearer: "nope" } }), local, checks).ok).toBe(false);
    expect(decideAccess(req({ tokens: { bearer: "" } }), local, checks).ok).toBe(false);
    expect(decideAccess(req({ method: "POST", tokens: { bearer: "nope", page: TOKEN } }), local, checks).ok).toBe(false);
    expect(decideAccess(req({ method: "POST", tokens: { query: TOKEN } }), local, checks).ok).toBe(false);
    const stale = decideAccess(req({ ...fromPage, method: "POST", tokens: { page: "from-before-a-restart" } }), local, checks);
    expect(!stale.ok && stale.reason).toContain("this page's access token is out of date");
    expect(decideAccess(req({ ...fromPage, tokens: { page: "from-before-a-restart" } }), local, checks)).toEqual({ ok: true, rememberToken: false, credential: null });
  });

  it("refuses every change, and says how to make a token, when none has been set up; reads go on", () => {
    const missing = { ...local, tokenMissing: true };
    const d = decideAccess(req({ method: "POST", tokens: { bearer: TOKEN } }), missing, none);
    expect(!d.ok && d.reason).toContain("no access token has been set up");
    expect(decideAccess(req(), missing, none).ok).toBe(true);
  });
});

describe("decideAccess beyond loopback", () => {
  const at = { host: "gpu-box:3000" };
  it("refuses a request without the token, and says how to get one", () => {
    const d = decideAccess(req(at), remote, checks);
    expect(d).toMatchObject({ ok: false, status: 403 });
    expect(!d.ok && d.reason).toContain("overseer token --reset");
  });

  it("reads with the token in a header, the read key's cookie, or a first visit's URL (then remembered)", () => {
    expect(decideAccess(req({ ...at, tokens: { bearer: TOKEN } }), remote, checks)).toMatchObject({ ok: true, credential: "header" });
    expect(decideAccess(req({ ...at, tokens: { cookie: readKeyOf(TOKEN) } }), remote, checks)).toMatchObject({ ok: true, credential: "cookie" });
    expect(decideAccess(req({ ...at, tokens: { query: TOKEN } }), remote, checks)).toEqual({ ok: true, rememberToken: true, credential: "url" });
  });

  it("refuses a wrong token wherever it is, the token itself as the cookie, and a token in the URL of a POST", () => {
    expect(decideAccess(req({ ...at, tokens: { bearer: "nope" } }), remote, checks).ok).toBe(false);
    expect(decideAccess(req({ ...at, tokens: { bearer: "nope", cookie: readKeyOf(TOKEN) } }), remote, checks).ok).toBe(false);
    expect(decideAccess(req({ ...at, tokens: { cookie: "nope" } }), remote, checks).ok).toBe(false);
    expect(decideAccess(req({ ...at, tokens: { cookie: TOKEN } }), remote, checks).ok).toBe(false);
    expect(decideAccess(req({ ...at, method: "POST", tokens: { query: TOKEN } }), remote, checks).ok).toBe(false);
  });

  it("checks Host and Origin before the token: a valid token does not carry a cross-site POST", () => {
    expect(decideAccess(req({ ...at, method: "POST", origin: "http://attacker.example", tokens: { page: TOKEN } }), remote, checks).ok).toBe(false);
    expect(decideAccess(req({ host: "attacker.example", tokens: { bearer: TOKEN } }), remote, checks).ok).toBe(false);
  });

  it("refuses everything, and says why, when no token has been set up", () => {
    const d = decideAccess(req({ ...at, tokens: { bearer: TOKEN } }), { ...remote, tokenMissing: true }, none);
    expect(!d.ok && d.reason).toContain("no access token has been set up");
  });
});

describe("token digests", () => {
  it("match only the token they were made from", () => {
    const digest = tokenDigest(TOKEN);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenMatchesDigest(TOKEN, digest)).toBe(true);
    expect(tokenMatchesDigest(`${TOKEN}x`, digest)).toBe(false);
    expect(tokenMatchesDigest(TOKEN, "not-hex")).toBe(false);
  });
});
