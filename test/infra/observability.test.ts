import { describe, expect, it } from 'vitest';
import { productionSources, readRepoFile, readYamlDocuments } from './repo.js';

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

const dashboard = JSON.parse(readRepoFile('infra/grafana/earshot-dashboard.json')) as { uid: string; panels: Panel[] };
const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

/** Metric names registered with prom-client somewhere in the sources, as string literals. */
const sourceText = productionSources()
  .map(({ text }) => text)
  .join('\n');

/** A histogram is queried through its _bucket, _count and _sum series. */
function registeredName(series: string): string {
  return series.replace(/_(bucket|count|sum)$/, '');
}

describe('infra/grafana/earshot-dashboard.json', () => {
  it('queries only metrics the services register', () => {
    expect(queries.length).toBeGreaterThan(0);
    for (const { panel, expr } of queries) {
      const series = expr.match(/\bearshot_[a-z0-9_]+/g) ?? [];
      expect(series.length, panel).toBeGreaterThan(0);
      for (const name of series) expect(sourceText, `${panel}: ${name}`).toContain(`'${registeredName(name)}'`);
    }
  });

  it('covers each stage of the pipeline', () => {
    const queried = queries.map(({ expr }) => expr).join('\n');
    for (const metric of [
      'earshot_ingestor_mentions_total',
      'earshot_classifier_mentions_total',
      'earshot_router_items_routed_total',
      'earshot_router_queue_depth',
      'earshot_notifications_sent_total',
      'earshot_notifications_failed_total',
      'earshot_notifications_dead_total',
      'earshot_api_request_duration_seconds',
    ]) {
      expect(queried).toContain(metric);
    }
  });

  it('takes its Prometheus data source from a variable, so it imports into any Grafana', () => {
    for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
      expect((panel as Panel & { datasource?: { uid: string } }).datasource?.uid, panel.title).toBe('${datasource}');
    }
  });
});

describe('infra/prometheus/prometheus.yml', () => {
  const [config] = readYamlDocuments('infra/prometheus/prometheus.yml') as [
    { scrape_configs: Array<{ job_name: string; metrics_path: string; dns_sd_configs?: Array<{ names: string[]; port: number }> }> },
  ];

  it('scrapes /metrics of every compose service on the container port, every replica included', () => {
    for (const job of config.scrape_configs) expect(job.metrics_path, job.job_name).toBe('/metrics');
    const compose = config.scrape_configs.find((job) => job.job_name === 'earshot-compose');
    const composeFile = readYamlDocuments('infra/docker-compose.yml')[0] as { services: Record<string, { environment?: { EARSHOT_SERVICES?: string } }> };
    const pipelineServices = Object.entries(composeFile.services).filter(([, service]) => service.environment?.EARSHOT_SERVICES !== undefined);
    expect(compose?.dns_sd_configs?.[0]?.names.sort()).toEqual(pipelineServices.map(([name]) => name).sort());
    expect(compose?.dns_sd_configs?.[0]?.port).toBe(8080);
  });
});
