import { describe, expect, it } from "vitest";
import { formatResultsTsv, RESULTS_HEADER } from "./results-tsv";

describe("formatResultsTsv", () => {
  it("writes autoresearch's five columns exactly", () => {
    const tsv = formatResultsTsv([
      { commit: "a1b2c3d4e5", status: "kept", metricValue: 0.9979, peakVramMb: 45060.2, description: "baseline" },
      { commit: "b2c3d4e5f6", status: "discarded", metricValue: 1.0051234, peakVramMb: 45060.2, description: "LR\t0.04 → 0.08\n" },
      { commit: "c3d4e5f6a7", status: "diverged", metricValue: null, peakVramMb: null, description: "LR 0.04 → 4" },
      { commit: null, status: "rejected", metricValue: null, peakVramMb: null, description: "edits prepare.py" },
    ]);
    expect(tsv).toBe(
      `${RESULTS_HEADER}\na1b2c3d\t0.997900\t44.0\tkeep\tbaseline\nb2c3d4e\t1.005123\t44.0\tdiscard\tLR 0.04 → 0.08\nc3d4e5f\t0.000000\t0.0\tcrash\tLR 0.04 → 4\n`,
    );
    expect(RESULTS_HEADER).toBe("commit\tval_bpb\tmemory_gb\tstatus\tdescription");
  });
});
