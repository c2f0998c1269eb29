"use client";
import { ParallelChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, ParallelComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef, useState } from "react";

// Only what the hyperparameter views use: the canvas renderer, scatter and parallel coordinates.
echarts.use([CanvasRenderer, ScatterChart, ParallelChart, GridComponent, LegendComponent, ParallelComponent, TooltipComponent, VisualMapComponent]);

/**
 * An ECharts chart on a canvas: thousands of marks (a scatter of 10,000 experiments, their parallel
 * coordinates) draw in milliseconds where an SVG chart would build a DOM node per mark.
 */
export function EChart({ option, height, label, marks, onPick }: { option: echarts.EChartsCoreOption; height: number; label: string; marks: number; onPick?: (data: unknown[]) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  useEffect(() => {
    const c = echarts.init(ref.current!, undefined, { renderer: "canvas" });
    chart.current = c;
    c.on("click", (p) => Array.isArray(p.data) && pick.current?.(p.data));
    // data-drawn: the marks are on the canvas (progressive rendering included), for tests and the benchmark.
    c.on("finished", () => ref.current?.setAttribute("data-drawn", ref.current.getAttribute("data-marks") ?? ""));
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(ref.current!);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    ref.current?.removeAttribute("data-drawn");
    try {
      chart.current?.setOption(option, { notMerge: true });
      setFailed(null);
    } catch (e) {
      setFailed((e as Error).message || "ECharts refused these values");
    }
  }, [option]);
  return (
    <>
      {failed && <p className="error">This chart could not be drawn: {failed}</p>}
      <div ref={ref} role="img" aria-label={label} data-marks={marks} style={{ width: "100%", height }} />
    </>
  );
}
