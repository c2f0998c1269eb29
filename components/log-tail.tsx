export function LogTail({ lines }: { lines: string[] }) {
  return (
    <section>
      <h2>Log</h2>
      <pre className="log" aria-label="log tail">
        {lines.length ? lines.join("\n") : "(nothing yet)"}
      </pre>
    </section>
  );
}
