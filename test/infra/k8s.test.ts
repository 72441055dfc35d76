import { parseConfigText } from '@earshot/config';
import { SERVICE_NAMES } from '@earshot/runtime';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { environmentContract, readRepoFile, readYamlDocuments } from './repo.js';

interface Kustomization {
  resources: string[];
  configMapGenerator: Array<{ name: string; files?: string[]; literals?: string[] }>;
}

const kustomization = readYamlDocuments('infra/k8s/kustomization.yaml')[0] as Kustomization;
/** Each manifest kustomization.yaml applies, checked against the Kubernetes API schema it declares. */
const manifests = kustomization.resources.map((file) => {
  const [document] = readYamlDocuments(`infra/k8s/${file}`) as [{ kind: string }];
  const model = modelFor(document);
  model.validate();
  return { file, model };
});
const deployments = manifests.flatMap(({ model }) => (model instanceof Deployment ? [model] : []));
const envLiterals = new Map(
  kustomization.configMapGenerator
    .find((generator) => generator.name === 'earshot-env')!
    .literals!.map((literal) => [literal.slice(0, literal.indexOf('=')), literal.slice(literal.indexOf('=') + 1)] as [string, string]),
);

function modelFor(document: { kind: string }) {
  switch (document.kind) {
    case 'Deployment':
      return new Deployment(document as never);
    case 'Service':
      return new Service(document as never);
    case 'Job':
      return new Job(document as never);
    case 'Namespace':
      return new Namespace(document as never);
    default:
      throw new Error(`no schema for kind ${document.kind}`);
  }
}

function earshotContainer(deployment: Deployment) {
  const [container] = deployment.spec!.template.spec!.containers;
  return container!;
}

describe('infra/k8s', () => {
  it('validates every manifest in kustomization.yaml against the Kubernetes API schemas', () => {
    expect(manifests.map(({ model }) => model.kind).sort()).toEqual(['Deployment', 'Deployment', 'Deployment', 'Deployment', 'Job', 'Namespace', 'Service']);
  });

  it('has one Deployment per service, each running only that service', () => {
    const byService = deployments.map((deployment) => earshotContainer(deployment).env!.find((variable) => variable.name === 'EARSHOT_SERVICES')?.value);
    expect(byService.sort()).toEqual([...SERVICE_NAMES].sort());
    for (const deployment of deployments) expect(earshotContainer(deployment).args).toEqual(['start']);
  });

  it('probes readiness on /readyz and liveness on /healthz at the container port', () => {
    for (const deployment of deployments) {
      const container = earshotContainer(deployment);
      const port = container.ports!.find((candidate) => candidate.containerPort === 8080);
      expect(port?.name, deployment.metadata!.name).toBe('http');
      expect(container.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: port!.name });
      expect(container.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', port: port!.name });
    }
  });

  it('caps the heap well inside each container memory limit', () => {
    const heapMb = Number(/--max-old-space-size=(\d+)/.exec(envLiterals.get('NODE_OPTIONS') ?? '')?.[1]);
    expect(heapMb).toBe(128);
    for (const deployment of deployments) {
      const limit = earshotContainer(deployment).resources?.limits?.memory;
      expect(limit, deployment.metadata!.name).toMatch(/^\d+Mi$/);
      // V8 needs room beside its heap: code, the binary, buffers (about 110 MB idle in all).
      expect(Number.parseInt(String(limit), 10), deployment.metadata!.name).toBeGreaterThanOrEqual(heapMb + 110);
    }
  });

  it('gives every pod a grace period longer than the shutdown timeout plus any preStop pause', () => {
    const shutdownSeconds = Number(envLiterals.get('EARSHOT_SHUTDOWN_TIMEOUT_MS')) / 1000;
    expect(shutdownSeconds).toBeGreaterThan(0);
    for (const deployment of deployments) {
      const preStop = earshotContainer(deployment).lifecycle?.preStop?.exec?.command;
      const pauseSeconds = preStop ? Number(preStop[preStop.length - 1]) : 0;
      expect(deployment.spec!.template.spec!.terminationGracePeriodSeconds, deployment.metadata!.name).toBeGreaterThan(shutdownSeconds + pauseSeconds);
    }
  });

  it('sets resource requests and a memory limit, and runs as a non-root user', () => {
    for (const { model } of manifests) {
      const podSpec = model instanceof Deployment || model instanceof Job ? model.spec!.template.spec! : undefined;
      if (!podSpec) continue;
      expect(podSpec.securityContext?.runAsNonRoot, model.metadata!.name).toBe(true);
      for (const container of podSpec.containers) {
        expect(container.resources?.requests, model.metadata!.name).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.resources?.limits?.memory, model.metadata!.name).toBeDefined();
      }
    }
  });

  it('reads config from the generated ConfigMap and secrets from the earshot-secrets Secret', () => {
    for (const deployment of deployments) {
      const spec = deployment.spec!.template.spec!;
      const container = earshotContainer(deployment);
      expect(spec.volumes?.find((volume) => volume.name === 'config')?.configMap?.name).toBe('earshot-config');
      expect(container.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/earshot', readOnly: true });
      expect(container.env).toContainEqual({ name: 'EARSHOT_CONFIG', value: '/etc/earshot/earshot.yaml' });
      expect(container.envFrom).toEqual([{ configMapRef: { name: 'earshot-env' } }, { secretRef: { name: 'earshot-secrets' } }]);
    }
    const config = kustomization.configMapGenerator.find((generator) => generator.name === 'earshot-config');
    expect(config?.files).toEqual(['earshot.yaml']);
    expect(() => parseConfigText(readRepoFile('infra/k8s/earshot.yaml'), 'infra/k8s/earshot.yaml')).not.toThrow();
  });

  it('keeps secret values out of the repository: the example Secret is empty and not applied', () => {
    expect(kustomization.resources).not.toContain('secret.example.yaml');
    const [document] = readYamlDocuments('infra/k8s/secret.example.yaml') as [{ stringData: Record<string, string> }];
    const secret = new Secret(document as never);
    secret.validate();
    expect(Object.keys(secret.stringData!).sort()).toEqual(['DATABASE_URL', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SMTP_URL']);
    for (const value of Object.values(secret.stringData!)) expect(value).toBe('');
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SMTP_URL', 'DATABASE_URL']) expect(envLiterals.has(name)).toBe(false);
  });

  it('runs the migration as a Job and exposes the api through a Service', () => {
    const job = manifests.find(({ model }) => model instanceof Job)!.model as Job;
    expect(job.spec!.template.spec!.containers[0]!.args).toEqual(['migrate']);
    const service = manifests.find(({ model }) => model instanceof Service)!.model as Service;
    expect(service.spec!.selector).toEqual({ 'app.kubernetes.io/name': 'earshot', 'app.kubernetes.io/component': 'api' });
    expect(service.spec!.ports![0]!.targetPort).toBe('http');
  });

  it('sets only environment variables Earshot reads', () => {
    const contract = environmentContract();
    const set = [...envLiterals.keys(), ...deployments.flatMap((deployment) => earshotContainer(deployment).env!.map((variable) => variable.name))];
    for (const name of set) expect(contract, name).toContain(name);
  });
});
