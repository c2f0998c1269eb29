import { describe, expect, it } from "vitest";
import { formatResultsTsv, parseResultsTsv, RESULTS_HEADER } from "./results-tsv";

describe("formatResultsTsv", () => {
  it("writes autoresearch's five columns exactly", () => {
    const tsv = formatResultsTsv([
      { commit: "a1b2c3d4e5", status: "kept", metricValue: 0.9979, peakVramMb: 45060.2, description: "baseline" },
      { commit: "b2c3d4e5f6", status: "discarded", metricValue: 1.0051234, peakVramMb: 45060.2, description: "LR\t0.04 → 0.08\n" },
      { commit: "c3d4e5f6a7", status: "diverged", metricValue: null, peakVramMb: null, description: "LR 0.04 → 4" },
      { commit: null, status: "rejected", metricValue: null, peakVramMb: null, description: "edits prepare.py" },
    ]);
    expect(tsv).toBe(`${RESULTS_HEADER}\na1b2c3d\t0.997900\t44.0\tkeep\tbaseline\nb2c3d4e\t1.005123\t44.0\tdiscard\tLR 0.04 → 0.08\nc3d4e5f\t0.000000\t0.0\tcrash\tLR 0.04 → 4\n`);
    expect(RESULTS_HEADER).toBe("commit\tval_bpb\tmemory_gb\tstatus\tdescription");
  });
});

describe("parseResultsTsv", () => {
  const file = `${RESULTS_HEADER}\na1b2c3d\t0.997900\t44.0\tkeep\tbaseline\nb2c3d4e\t1.005123\t44.0\tdiscard\tLR 0.04 → 0.08\n\nc3d4e5f\t0.000000\t0.0\tcrash\tdouble the width (OOM)\n`;

  it("reads autoresearch's rows, and writing them again gives the same file", () => {
    const parsed = parseResultsTsv(file);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.rows).toEqual([
      { line: 2, commit: "a1b2c3d", metricValue: 0.9979, peakVramMb: 44 * 1024, status: "keep", description: "baseline" },
      { line: 3, commit: "b2c3d4e", metricValue: 1.005123, peakVramMb: 44 * 1024, status: "discard", description: "LR 0.04 → 0.08" },
      { line: 5, commit: "c3d4e5f", metricValue: null, peakVramMb: null, status: "crash", description: "double the width (OOM)" },
    ]);
    const STATUS = { keep: "kept", discard: "discarded", crash: "crashed" } as const;
    expect(formatResultsTsv(parsed.rows.map((r) => ({ ...r, status: STATUS[r.status] })))).toBe(file.replace("\n\n", "\n"));
  });

  it("accepts CRLF line ends, a tab inside the description and another metric's name", () => {
    const parsed = parseResultsTsv("commit\tacc\tmemory_gb\tstatus\tdescription\r\nA1B2C3D\t0.91\t1.5\tkeep\tbase\tline\r\n", "acc");
    expect(parsed).toEqual({ ok: true, rows: [{ line: 2, commit: "a1b2c3d", metricValue: 0.91, peakVramMb: 1536, status: "keep", description: "base line" }] });
  });

  it("says which line is wrong and how", () => {
    const bad = (body: string) => parseResultsTsv(`${RESULTS_HEADER}\n${body}\n`);
    expect(parseResultsTsv("commit,val_bpb\n")).toMatchObject({ ok: false, error: expect.stringContaining("line 1 should be the header") });
    expect(bad("a1b2c3d\t0.99\tkeep\tx")).toMatchObject({ ok: false, error: 'line 2 has 4 tab-separated fields, not 5: "a1b2c3d\t0.99\tkeep\tx"' });
    expect(bad("zzz\t0.99\t1.0\tkeep\tx")).toMatchObject({ ok: false, error: 'line 2: "zzz" is not a commit hash' });
    expect(bad("a1b2c3d\t0.99\t1.0\tkept\tx")).toMatchObject({ ok: false, error: 'line 2: status "kept" is not keep, discard or crash' });
    expect(bad("a1b2c3d\tnan?\t1.0\tkeep\tx")).toMatchObject({ ok: false, error: 'line 2: val_bpb "nan?" is not a number' });
    expect(bad("a1b2c3d\t0.99\t\tkeep\tx")).toMatchObject({ ok: false, error: 'line 2: memory_gb "" is not a number' });
    expect(parseResultsTsv(`${RESULTS_HEADER}\n`)).toMatchObject({ ok: false, error: "it has a header but no experiments" });
  });
});
