import type { SummaryEntry } from "../core/types";

export function SummaryTable({ summary, metricName }: { summary: Record<string, SummaryEntry>; metricName: string | null }) {
  return (
    <section>
      <h2>Summary</h2>
      <table className="table summary" aria-label="summary">
        <tbody>
          {Object.values(summary).map((e) => (
            <tr key={e.key} className={e.key === metricName ? "highlight" : ""}>
              <th>{e.key}</th>
              <td className="num mono">{e.raw}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
