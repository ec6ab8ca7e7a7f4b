/**
 * The report's charts, drawn by Apache ECharts on the server into SVG (its server-side renderer): the
 * page carries them inline, so it needs no script, no network, and prints to PDF as it shows.
 */
import * as echarts from 'echarts';

const PALETTE = ['#2f5d8a', '#c0504d', '#9bbb59', '#8064a2', '#f79646'];

function svgOf(option: echarts.EChartsCoreOption, width = 640, height = 260): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: 'sans-serif' }, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** Comments and complaints per day. */
export function dailyChart(days: readonly { day: string; comments: number; complaints: number }[]): string {
  return svgOf({
    legend: { data: ['Комментарии', 'Жалобы'], top: 0 },
    grid: { left: 48, right: 16, top: 32, bottom: 40 },
    xAxis: { type: 'category', data: days.map((d) => d.day.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: 'Комментарии', type: 'bar', data: days.map((d) => d.comments) },
      { name: 'Жалобы', type: 'line', data: days.map((d) => d.complaints) },
    ],
  });
}

/** How many comments got their first reply within each time bucket, and how many got none. */
export function replyDistributionChart(buckets: readonly { label: string; comments: number }[]): string {
  return svgOf({
    grid: { left: 48, right: 16, top: 16, bottom: 40 },
    xAxis: { type: 'category', data: buckets.map((b) => b.label), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        data: buckets.map((b, i) => ({
          value: b.comments,
          // Within 4 hours (the norm) in the first colour, later in the second, none in grey.
          itemStyle: { color: i < 3 ? PALETTE[0] : i < buckets.length - 1 ? PALETTE[1] : '#999999' },
        })),
        label: { show: true, position: 'top' },
      },
    ],
  });
}

/** Top problems: this period against the previous one. */
export function problemsChart(
  problems: readonly { label: string; complaints: number; previous: number }[],
): string {
  const shown = [...problems].reverse();
  return svgOf(
    {
      legend: { data: ['Этот период', 'Прошлый период'], top: 0 },
      grid: { left: 200, right: 24, top: 32, bottom: 24 },
      yAxis: {
        type: 'category',
        data: shown.map((p) => p.label),
        axisLabel: { width: 190, overflow: 'truncate' },
      },
      xAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: 'Этот период', type: 'bar', data: shown.map((p) => p.complaints) },
        { name: 'Прошлый период', type: 'bar', data: shown.map((p) => p.previous) },
      ],
    },
    640,
    Math.max(160, 60 + 28 * shown.length),
  );
}
