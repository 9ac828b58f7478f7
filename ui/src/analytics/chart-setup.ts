// Chart.js, only the parts the two charts use (registered once), so the bundle carries no other
// chart types; and the look they share.
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
