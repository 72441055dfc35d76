import { SERVICE_NAMES } from '@earshot/runtime';
import { describe, expect, it } from 'vitest';
import { environmentContract, readYamlDocuments } from './repo.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  container_name?: string;
  volumes?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}

const compose = readYamlDocuments('infra/docker-compose.yml')[0] as { services: Record<string, ComposeService> };
const services = compose.services;
const earshotImage = services.migrate?.image;
const earshotServices = Object.entries(services).filter(([, service]) => service.image === earshotImage);
const pipelineServices = earshotServices.filter(([name]) => name !== 'migrate');

function seconds(duration: string): number {
  const match = /^(\d+)s$/.exec(duration);
  if (!match) throw new Error(`stop_grace_period "${duration}" is not in seconds`);
  return Number(match[1]);
}

describe('infra/docker-compose.yml', () => {
  it('runs Kafka in KRaft mode, PostgreSQL and a mail catcher beside Earshot', () => {
    expect(services.kafka?.image).toMatch(/^apache\/kafka:/);
    expect(services.kafka?.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(services.postgres?.image).toMatch(/^postgres:/);
    expect(services.mailpit?.image).toMatch(/^axllent\/mailpit:/);
    expect(services.router?.environment?.SMTP_URL).toContain('mailpit:1025');
  });

  it('runs each pipeline service in its own container from the image migrate builds', () => {
    expect(services.migrate?.build).toBeDefined();
    expect(pipelineServices.map(([name]) => name).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const [name, service] of pipelineServices) expect(service.environment?.EARSHOT_SERVICES, name).toBe(name);
  });

  it('caps each service heap, so that a busy service stays within its memory budget', () => {
    for (const [name, service] of pipelineServices) expect(service.environment?.NODE_OPTIONS, name).toBe('--max-old-space-size=128');
  });

  it('starts the services only after the one-shot migration completed', () => {
    expect(services.migrate?.command).toEqual(['migrate']);
    for (const [name, service] of pipelineServices) {
      expect(service.depends_on?.migrate, name).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('lets any service scale: no fixed container name, and only the api publishes a port', () => {
    for (const [name, service] of pipelineServices) {
      expect(service.container_name, name).toBeUndefined();
      if (name !== 'api') expect(service.ports, name).toBeUndefined();
    }
    expect(services.api?.ports).toHaveLength(1);
  });

  it('checks health on /healthz and gives the drain more time than EARSHOT_SHUTDOWN_TIMEOUT_MS', () => {
    for (const [name, service] of pipelineServices) {
      expect(service.healthcheck?.test.join(' '), name).toContain('/healthz');
      const shutdownMs = Number(service.environment?.EARSHOT_SHUTDOWN_TIMEOUT_MS);
      expect(seconds(service.stop_grace_period ?? '10s') * 1000, name).toBeGreaterThan(shutdownMs);
    }
  });

  it('mounts the config read-only where EARSHOT_CONFIG points', () => {
    for (const [name, service] of pipelineServices) {
      const mount = service.volumes?.find((volume) => volume.includes(':/etc/earshot/earshot.yaml'));
      expect(mount, name).toMatch(/:ro$/);
      expect(service.environment?.EARSHOT_CONFIG, name).toBe('/etc/earshot/earshot.yaml');
    }
  });

  it('takes every secret from the environment, never inline', () => {
    for (const [name, service] of earshotServices) {
      for (const key of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SMTP_URL', 'DATABASE_URL'] as const) {
        const value = service.environment?.[key];
        if (value === undefined) continue;
        expect(value, `${name} ${key}`).toMatch(/\$\{[A-Z_]+(:[-?][^}]*)?\}/);
      }
      expect(service.environment?.DATABASE_URL, name).toContain('${POSTGRES_PASSWORD:?');
    }
    expect(services.postgres?.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
  });

  it('sets only environment variables Earshot reads', () => {
    const contract = environmentContract();
    for (const [name, service] of earshotServices) {
      for (const key of Object.keys(service.environment ?? {})) expect(contract, `${name} sets ${key}`).toContain(key);
    }
  });
});
