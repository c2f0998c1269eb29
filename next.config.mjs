/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is already on Next's built-in serverExternalPackages list; nothing else is needed.
  poweredByHeader: false,
  // Well past server/body-limit's MAX_BODY_BYTES (10 MiB): Next cuts a body at this buffer, a chunk short of it, so
  // a cut chunked body is still over 10 MiB when the route reads it, and is refused with 413 rather than parsed.
  experimental: { proxyClientMaxBodySize: 16 * 1024 * 1024 },
};

export default nextConfig;
