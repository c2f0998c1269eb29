// Loaded into the web process (`node --require` before `next start`) by `overseer start`, its supervisor. The
// supervisor holds the other end of this process's stdin; when the supervisor is gone — even after kill -9 —
// the pipe closes and the web process exits, rather than stay on the port with the old settings.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
