import { describe, expect, it } from "vitest";
import { decideAccess, hostnameOf, isLoopback, tokenDigest, tokenMatchesDigest, type AccessPolicy, type AccessRequest } from "./access";

const TOKEN = "s3cret-token";
const local: AccessPolicy = { hosts: new Set(["localhost", "127.0.0.1", "::1"]), tokenForReads: false };
const remote: AccessPolicy = { hosts: new Set(["localhost", "127.0.0.1", "::1", "gpu-box", "10.0.0.5"]), tokenForReads: true };
const matches = (t: string) => tokenMatchesDigest(t, tokenDigest(TOKEN));

function req(over: Partial<Omit<AccessRequest, "tokens">> & { tokens?: Partial<AccessRequest["tokens"]> } = {}): AccessRequest {
  return { method: "GET", host: "127.0.0.1:3000", origin: null, secFetchSite: null, ...over, tokens: { header: null, cookie: null, query: null, ...over.tokens } };
}

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
  it("lets the dashboard's own page in, through a tunnel's port too", () => {
    expect(decideAccess(req(), local, matches)).toEqual({ ok: true, rememberToken: false, credential: null });
    expect(decideAccess(req({ method: "POST", host: "localhost:8080", origin: "http://localhost:8080", secFetchSite: "same-origin", tokens: { cookie: TOKEN } }), local, matches).ok).toBe(true);
  });

  it("refuses a foreign Host: DNS rebinding", () => {
    const d = decideAccess(req({ host: "attacker.example:3000" }), local, matches);
    expect(d).toMatchObject({ ok: false, status: 403 });
    expect(!d.ok && d.reason).toContain('"attacker.example"');
    expect(!d.ok && d.reason).toContain("OVERSEER_ALLOWED_HOSTS");
    expect(decideAccess(req({ host: null }), local, matches).ok).toBe(false);
  });

  it("refuses a foreign Origin on any method, the event streams' GETs included", () => {
    for (const method of ["GET", "POST"]) {
      expect(decideAccess(req({ method, origin: "http://attacker.example" }), local, matches)).toMatchObject({ ok: false, status: 403 });
    }
    expect(decideAccess(req({ method: "POST", origin: "null" }), local, matches).ok).toBe(false);
    expect(decideAccess(req({ method: "POST", origin: "http://127.0.0.1:3001" }), local, matches).ok).toBe(false);
  });

  it("treats default ports alike in Host and Origin", () => {
    expect(decideAccess(req({ method: "POST", host: "localhost:80", origin: "http://localhost", tokens: { cookie: TOKEN } }), local, matches).ok).toBe(true);
  });

  it("refuses a change a browser says comes from another site, but lets a link from elsewhere open a page", () => {
    expect(decideAccess(req({ method: "POST", secFetchSite: "cross-site" }), local, matches).ok).toBe(false);
    expect(decideAccess(req({ method: "POST", secFetchSite: "same-site" }), local, matches).ok).toBe(false);
    expect(decideAccess(req({ method: "GET", secFetchSite: "cross-site" }), local, matches).ok).toBe(true);
    // A command-line client sends neither Origin nor Sec-Fetch-Site: its token decides.
    expect(decideAccess(req({ method: "POST", tokens: { header: TOKEN } }), local, matches).ok).toBe(true);
  });

  // Other users of the machine, and a training run without a sandbox, reach loopback too: they send no Origin.
  it("lets anyone read, but a change needs the token, whatever the method", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const d = decideAccess(req({ method }), local, matches);
      expect(d).toMatchObject({ ok: false, status: 403 });
      expect(!d.ok && d.reason).toMatch(/changes need this dashboard's access token, on this machine too.*overseer token --reset/);
    }
    expect(decideAccess(req({ method: "post", secFetchSite: "same-origin", origin: "http://127.0.0.1:3000" }), local, matches).ok).toBe(false);
  });

  it("says which credential made a change: the browser's cookie or a header", () => {
    expect(decideAccess(req({ method: "POST", tokens: { cookie: TOKEN } }), local, matches)).toEqual({ ok: true, rememberToken: false, credential: "cookie" });
    expect(decideAccess(req({ method: "POST", tokens: { header: TOKEN } }), local, matches)).toEqual({ ok: true, rememberToken: false, credential: "header" });
    expect(decideAccess(req({ tokens: { query: TOKEN } }), local, matches)).toEqual({ ok: true, rememberToken: true, credential: "url" });
  });

  it("refuses a wrong token in a header, a POST's token in the URL, and a stale cookie's change; a stale cookie still reads", () => {
    expect(decideAccess(req({ tokens: { header: "nope" } }), local, matches).ok).toBe(false);
    expect(decideAccess(req({ method: "POST", tokens: { header: "nope", cookie: TOKEN } }), local, matches).ok).toBe(false);
    expect(decideAccess(req({ method: "POST", tokens: { query: TOKEN } }), local, matches).ok).toBe(false);
    expect(decideAccess(req({ method: "POST", tokens: { cookie: "from-before-a-restart" } }), local, matches).ok).toBe(false);
    expect(decideAccess(req({ tokens: { cookie: "from-before-a-restart" } }), local, matches)).toEqual({ ok: true, rememberToken: false, credential: null });
  });

  it("refuses every change, and says how to make a token, when none has been set up; reads go on", () => {
    const none = { ...local, tokenMissing: true };
    const d = decideAccess(req({ method: "POST", tokens: { header: TOKEN } }), none, () => false);
    expect(!d.ok && d.reason).toContain("no access token has been set up");
    expect(decideAccess(req(), none, () => false).ok).toBe(true);
  });
});

describe("decideAccess beyond loopback (token)", () => {
  const at = { host: "gpu-box:3000" };
  it("refuses a request without the token, and says how to get one", () => {
    const d = decideAccess(req(at), remote, matches);
    expect(d).toMatchObject({ ok: false, status: 403 });
    expect(!d.ok && d.reason).toContain("overseer token --reset");
  });

  it("takes the token from the header, the cookie, or a first visit's URL (then remembered)", () => {
    expect(decideAccess(req({ ...at, tokens: { header: TOKEN } }), remote, matches)).toEqual({ ok: true, rememberToken: false, credential: "header" });
    expect(decideAccess(req({ ...at, tokens: { cookie: TOKEN } }), remote, matches)).toEqual({ ok: true, rememberToken: false, credential: "cookie" });
    expect(decideAccess(req({ ...at, tokens: { query: TOKEN } }), remote, matches)).toEqual({ ok: true, rememberToken: true, credential: "url" });
  });

  it("refuses a wrong token wherever it is, and a token in the URL of a POST", () => {
    expect(decideAccess(req({ ...at, tokens: { header: "nope" } }), remote, matches).ok).toBe(false);
    expect(decideAccess(req({ ...at, tokens: { header: "nope", cookie: TOKEN } }), remote, matches).ok).toBe(false);
    expect(decideAccess(req({ ...at, tokens: { cookie: "nope" } }), remote, matches).ok).toBe(false);
    expect(decideAccess(req({ ...at, method: "POST", tokens: { query: TOKEN } }), remote, matches).ok).toBe(false);
  });

  it("checks Host and Origin before the token: a valid cookie does not carry a cross-site POST", () => {
    expect(decideAccess(req({ ...at, method: "POST", origin: "http://attacker.example", tokens: { cookie: TOKEN } }), remote, matches).ok).toBe(false);
    expect(decideAccess(req({ host: "attacker.example", tokens: { header: TOKEN } }), remote, matches).ok).toBe(false);
  });

  it("refuses everything, and says why, when no token has been set up", () => {
    const d = decideAccess(req({ ...at, tokens: { header: TOKEN } }), { ...remote, tokenMissing: true }, () => false);
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
