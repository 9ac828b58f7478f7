// Chart.js, only the parts the charts use (registered once), so the bundle carries no other
// chart types; and the look they share.
import type { ChartData, ChartOptions } from 'chart.js';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Tooltip);
Chart.defaults.font.family = 'system-ui, "Noto Sans Thai", "Sarabun", sans-serif';
Chart.defaults.color = '#64748b';
Chart.defaults.borderColor = '#e2e8f0';

export { Chart };

/** No animation for those who asked their system for less motion. */
export function animation(): false | { duration: number } {
  return matchMedia('(prefers-reduced-motion: reduce)').matches ? false : { duration: 300 };
}

/**
 * A chart of counts per day on `canvas`: `chart` given new data, or made (bars or a line, whole
 * numbers from zero, one tooltip for all series of a day). Answers the chart to keep.
 */
export function dayCountChart<T extends 'bar' | 'line'>(chart: Chart<T> | undefined, canvas: HTMLCanvasElement, type: T, data: ChartData<T>): Chart<T> {
  if (chart) {
    chart.data = data;
    chart.update();
    return chart;
  }
  // The options are the same for both types; Chart.js's types cannot say so for a generic one.
  const options: ChartOptions<'bar' | 'line'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: animation(),
    interaction: { mode: 'index', intersect: false },
    scales: {
      x: { grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
      y: { beginAtZero: true, ticks: { precision: 0 } },
    },
  };
  return new Chart<T>(canvas, { type, data, options: options as ChartOptions<T> });
}
