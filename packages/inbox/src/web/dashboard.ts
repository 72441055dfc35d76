/// <reference lib="dom" />
import type { StatsReport, StatsTrends } from '@earshot/reports';
import { ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { api, ApiFailure, query } from './api.js';
import { formatCount, h, mount } from './dom.js';
import { formatDuration } from './sla.js';
import type { AppContext, View } from './view.js';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

const RANGES: Array<[string, string, number]> = [
  ['24h', 'Last 24 hours', 24],
  ['7d', 'Last 7 days', 7 * 24],
  ['30d', 'Last 30 days', 30 * 24],
];
/** Colour-blind-safe palette (Okabe–Ito); lines also differ by dash for competitors. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const SENTIMENT_COLOURS = { negative: '#D55E00', neutral: '#999999', positive: '#009E73', unclassified: '#dddddd' };
/** Live changes reload the figures at most this often. */
const REFRESH_MS = 30_000;

function bucketLabel(iso: string, bucketSeconds: number): string {
  const at = new Date(iso);
  return bucketSeconds >= 86_400 ? at.toLocaleDateString([], { month: 'short', day: 'numeric' }) : at.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A line or bar per bucket reads well up to about this many points; finer series are summed into wider buckets. */
const MAX_POINTS = 42;

interface Series {
  starts: string[];
  bucketSeconds: number;
  /** Sums a series of the API's buckets into the displayed ones. */
  fold(counts: readonly number[]): number[];
}

function displayBuckets(trends: StatsTrends): Series {
  const factor = Math.max(1, Math.ceil(trends.bucketStarts.length / MAX_POINTS));
  const starts = trends.bucketStarts.filter((_, index) => index % factor === 0);
  return {
    starts,
    bucketSeconds: trends.bucketSeconds * factor,
    fold: (counts) => starts.map((_, group) => counts.slice(group * factor, (group + 1) * factor).reduce((sum, count) => sum + count, 0)),
  };
}

/** Seconds, minutes or hours: whichever keeps the largest response time readable on the axis. */
function durationUnit(seconds: ReadonlyArray<number | null>): { name: string; divisor: number } {
  const longest = Math.max(0, ...seconds.filter((value): value is number => value !== null));
  if (longest < 120) return { name: 'seconds', divisor: 1 };
  if (longest < 3 * 3600) return { name: 'minutes', divisor: 60 };
  return { name: 'hours', divisor: 3600 };
}

function scaled(seconds: number | null, divisor: number): number | null {
  return seconds === null ? null : Math.round((seconds / divisor) * 10) / 10;
}

function percent(share: number | null): number | null {
  return share === null ? null : Math.round(share * 1000) / 10;
}

/** "66.7%", or "n/a" when there was nothing to divide by. */
function percentText(share: number | null): string {
  return share === null ? 'n/a' : `${percent(share)}%`;
}

interface ChartCard {
  figure: HTMLElement;
  draw(): Chart;
}

/** A chart in a figure with a caption and a text summary for screen readers (the canvas is an image to them). */
function chartCard(id: string, title: string, summary: string, config: ChartConfiguration): ChartCard {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': `${title}. ${summary}` });
  const figure = h('figure', { class: 'chart card' }, h('figcaption', {}, h('h2', {}, title)), h('div', { class: 'canvas-box' }, canvas), h('p', { class: 'chart-summary' }, summary));
  return { figure, draw: () => new Chart(canvas, config) };
}

/** Horizontal labels, thinned out so they never overlap. */
const timeAxis = { ticks: { maxRotation: 0, autoSkipPadding: 16 } };

const baseOptions = {
  responsive: true,
  maintainAspectRatio: false,
  // Charts appear at once: no animation to wait for, nothing moving for people who find motion distracting.
  animation: false as const,
  interaction: { mode: 'index' as const, intersect: false },
  plugins: { legend: { position: 'bottom' as const } },
};

function cards(stats: StatsReport, trends: StatsTrends, context: AppContext): ChartCard[] {
  const series = displayBuckets(trends);
  const labels = series.starts.map((start) => bucketLabel(start, series.bucketSeconds));
  const unit = durationUnit(trends.teams.flatMap((team) => [team.timeToAcknowledge.median, team.timeToAcknowledge.p90, team.timeToHandle.median, team.timeToHandle.p90]));
  const teams = trends.teams.map((team) => context.teamName(team.teamId));
  const backlog = stats.backlog;
  const sov = stats.shareOfVoice;
  return [
    chartCard(
      'chart-volume',
      'Mentions over time, per brand',
      trends.brands.map((brand) => `${brand.name}${brand.competitor ? ' (competitor)' : ''}: ${brand.counts.reduce((a, b) => a + b, 0)}`).join('; ') || 'No brands configured.',
      {
        type: 'line',
        data: {
          labels,
          datasets: trends.brands.map((brand, index) => ({
            label: brand.competitor ? `${brand.name} (competitor)` : brand.name,
            data: series.fold(brand.counts),
            borderColor: PALETTE[index % PALETTE.length],
            backgroundColor: PALETTE[index % PALETTE.length],
            borderDash: brand.competitor ? [6, 4] : [],
            pointRadius: 2,
            tension: 0.2,
          })),
        },
        options: { ...baseOptions, scales: { x: timeAxis, y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'mentions' } } } },
      },
    ),
    chartCard(
      'chart-share',
      'Share of voice',
      sov.total === 0 ? 'No brand mentions in this range.' : `Own brands ${percentText(sov.own.share)} of ${formatCount(sov.total)} mentions; ` + sov.brands.map((brand) => `${brand.name} ${percentText(brand.share)}`).join(', '),
      {
        type: 'doughnut',
        data: {
          labels: sov.brands.map((brand) => (brand.competitor ? `${brand.name} (competitor)` : brand.name)),
          datasets: [{ data: sov.brands.map((brand) => brand.mentions), backgroundColor: sov.brands.map((_, index) => PALETTE[index % PALETTE.length]!) }],
        },
        options: { ...baseOptions, interaction: { mode: 'nearest', intersect: true } },
      },
    ),
    chartCard(
      'chart-sentiment',
      'Sentiment mix over time',
      `Negative ${stats.sentimentMix.negative}, neutral ${stats.sentimentMix.neutral}, positive ${stats.sentimentMix.positive}, unclassified ${stats.sentimentMix.unclassified}.`,
      {
        type: 'bar',
        data: {
          labels,
          datasets: (['negative', 'neutral', 'positive', 'unclassified'] as const).map((label) => ({ label, data: series.fold(trends.sentiment[label]), backgroundColor: SENTIMENT_COLOURS[label] })),
        },
        options: { ...baseOptions, scales: { x: { ...timeAxis, stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'mentions' } } } },
      },
    ),
    chartCard(
      'chart-response',
      `Time to acknowledge and to handle, per team (${unit.name})`,
      trends.teams.length === 0
        ? 'No items in this range.'
        : trends.teams
            .map((team) => `${context.teamName(team.teamId)}: acknowledge median ${team.timeToAcknowledge.median === null ? 'n/a' : formatDuration(team.timeToAcknowledge.median * 1000)}, p90 ${team.timeToAcknowledge.p90 === null ? 'n/a' : formatDuration(team.timeToAcknowledge.p90 * 1000)}; handle median ${team.timeToHandle.median === null ? 'n/a' : formatDuration(team.timeToHandle.median * 1000)}`)
            .join('. '),
      {
        type: 'bar',
        data: {
          labels: teams,
          datasets: [
            { label: 'Acknowledge, median', data: trends.teams.map((team) => scaled(team.timeToAcknowledge.median, unit.divisor)), backgroundColor: '#56B4E9' },
            { label: 'Acknowledge, p90', data: trends.teams.map((team) => scaled(team.timeToAcknowledge.p90, unit.divisor)), backgroundColor: '#0072B2' },
            { label: 'Handle, median', data: trends.teams.map((team) => scaled(team.timeToHandle.median, unit.divisor)), backgroundColor: '#F0E442' },
            { label: 'Handle, p90', data: trends.teams.map((team) => scaled(team.timeToHandle.p90, unit.divisor)), backgroundColor: '#E69F00' },
          ],
        },
        options: { ...baseOptions, scales: { y: { beginAtZero: true, title: { display: true, text: unit.name } } } },
      },
    ),
    chartCard(
      'chart-sla',
      'SLA attainment per team (%)',
      trends.teams.length === 0
        ? 'No items in this range.'
        : trends.teams.map((team) => `${context.teamName(team.teamId)}: acknowledge ${percentText(team.slaAttainment.acknowledge.rate)}, handle ${percentText(team.slaAttainment.handle.rate)}`).join('. '),
      {
        type: 'bar',
        data: {
          labels: teams,
          datasets: [
            { label: 'Acknowledged in time', data: trends.teams.map((team) => percent(team.slaAttainment.acknowledge.rate)), backgroundColor: '#009E73' },
            { label: 'Handled in time', data: trends.teams.map((team) => percent(team.slaAttainment.handle.rate)), backgroundColor: '#CC79A7' },
          ],
        },
        options: { ...baseOptions, scales: { y: { beginAtZero: true, max: 100, title: { display: true, text: '% of items with an SLA' } } } },
      },
    ),
    chartCard(
      'chart-backlog',
      'Backlog now, per team',
      backlog.length === 0 ? 'Nothing waiting.' : backlog.map((team) => `${context.teamName(team.teamId)}: ${team.open} open, ${team.acknowledged} acknowledged, ${team.snoozed} snoozed, ${team.overdue} overdue`).join('. '),
      {
        type: 'bar',
        data: {
          labels: backlog.map((team) => context.teamName(team.teamId)),
          datasets: [
            { label: 'open', data: backlog.map((team) => team.open), backgroundColor: '#D55E00', stack: 'state' },
            { label: 'acknowledged', data: backlog.map((team) => team.acknowledged), backgroundColor: '#0072B2', stack: 'state' },
            { label: 'snoozed', data: backlog.map((team) => team.snoozed), backgroundColor: '#999999', stack: 'state' },
            { label: 'overdue', data: backlog.map((team) => team.overdue), backgroundColor: '#000000', stack: 'overdue' },
          ],
        },
        options: { ...baseOptions, indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'items' } }, y: { stacked: true } } },
      },
    ),
  ];
}

export function renderDashboard(main: HTMLElement, context: AppContext): View {
  document.title = 'Dashboard · Earshot';
  let charts: Chart[] = [];
  let range = '7d';
  let lastLoad = 0;
  let refreshTimer: number | undefined;
  const failure = h('p', { class: 'error', role: 'alert' });
  const tiles = h('div', { class: 'tiles', 'aria-live': 'polite' });
  const grid = h('div', { class: 'charts', 'aria-busy': 'true' });
  const rangeSelect = h('select', { id: 'range', name: 'range' }, ...RANGES.map(([value, text]) => h('option', { value, selected: value === range }, text)));
  rangeSelect.addEventListener('change', () => {
    range = rangeSelect.value;
    void load();
  });

  const tile = (label: string, value: string) => h('div', { class: 'tile' }, h('span', { class: 'value' }, value), h('span', { class: 'label' }, label));

  const load = async () => {
    lastLoad = Date.now();
    const hours = RANGES.find(([value]) => value === range)?.[2] ?? 168;
    const to = new Date();
    const window = query({ from: new Date(to.getTime() - hours * 3_600_000).toISOString(), to: to.toISOString() });
    try {
      const [stats, trends] = await Promise.all([api<StatsReport>(`/v1/stats${window}`), api<StatsTrends>(`/v1/stats/trends${window}`)]);
      failure.textContent = '';
      for (const chart of charts) chart.destroy();
      const made = cards(stats, trends, context);
      mount(
        tiles,
        tile('mentions', formatCount(stats.volume.total)),
        tile('own share of voice', percentText(stats.shareOfVoice.own.share)),
        tile('median time to acknowledge', stats.timeToAcknowledge.median === null ? 'n/a' : formatDuration(stats.timeToAcknowledge.median * 1000)),
        tile('acknowledged within SLA', percentText(stats.slaAttainment.acknowledge.rate)),
        tile('waiting now', formatCount(stats.backlog.reduce((sum, team) => sum + team.open + team.acknowledged + team.snoozed, 0))),
      );
      mount(grid, ...made.map((card) => card.figure));
      charts = made.map((card) => card.draw());
      grid.setAttribute('aria-busy', 'false');
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 401) return;
      failure.textContent = `Could not load the figures: ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  /** Live changes move the backlog; reload, but not more than every REFRESH_MS. */
  const refreshSoon = () => {
    if (refreshTimer !== undefined) return;
    refreshTimer = window.setTimeout(() => {
      refreshTimer = undefined;
      void load();
    }, Math.max(0, lastLoad + REFRESH_MS - Date.now()));
  };

  mount(main, h('div', { class: 'page-head' }, h('h1', {}, 'Dashboard'), h('div', { class: 'field' }, h('label', { for: 'range' }, 'Range'), rangeSelect)), failure, tiles, grid);
  void load();

  return {
    onItem: refreshSoon,
    onReconnect: refreshSoon,
    dispose() {
      window.clearTimeout(refreshTimer);
      for (const chart of charts) chart.destroy();
    },
  };
}
