/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is already on Next's built-in serverExternalPackages list; nothing else is needed.
  poweredByHeader: false,
};

export default nextConfig;
