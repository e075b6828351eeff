import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
  /** Draw as bars rather than a line. */
  readonly bars?: boolean;
}

/**
 * A uPlot chart: x is time (Unix seconds) or an index, one or more series. uPlot draws on a canvas and
 * styles itself through the DOM (no inline <style>), so the page's Content-Security-Policy holds.
 */
export function Chart({
  title,
  x,
  xLabels,
  series,
  time = true,
  height = 220,
  yRange,
}: {
  title: string;
  x: readonly number[];
  /** Names for x = 0, 1, 2…: a category axis (tools, checks). */
  xLabels?: readonly string[];
  series: readonly ChartSeries[];
  time?: boolean;
  height?: number;
  yRange?: [number, number];
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
    const options: uPlot.Options = {
      title,
      width: Math.max(320, element.clientWidth),
      height,
      scales: { x: xLabels ? { time: false, range: [-0.5, xLabels.length - 0.5] } : { time }, ...(yRange && { y: { range: yRange } }) },
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, ...(s.bars && bars && { paths: bars, fill: s.color }) }))],
      axes: [xLabels ? { splits: () => xLabels.map((_, i) => i), values: (_u: uPlot, splits: number[]) => splits.map((i) => xLabels[i] ?? '') } : {}, {}],
    };
    const plot = new uPlot(options, [x as number[], ...series.map((s) => s.values as (number | null)[])], element);
    const resize = () => {
      plot.setSize({ width: Math.max(320, element.clientWidth), height });
    };
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [title, x, xLabels, series, time, height, yRange]);
  return <div class="chart" ref={box} role="img" aria-label={`${title}: ${series.map((s) => s.label).join(', ')}`} />;
}
