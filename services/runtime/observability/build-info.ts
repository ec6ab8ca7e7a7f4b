import { Gauge, type Registry } from 'prom-client';
import { VERSION } from '../version.js';

/**
 * `otklik_build_info{version}` 1: the Prometheus convention for exposing a release, so a dashboard can
 * show which version each pod runs and a rollout can be followed. Registered once per registry (the
 * roles' shared registry may reach startHttpServer from several places).
 */
export function registerBuildInfo(registry: Registry): void {
  if (registry.getSingleMetric('otklik_build_info')) return;
  new Gauge({
    name: 'otklik_build_info',
    help: 'The running release of Otklik (value 1; the version is the label)',
    labelNames: ['version', 'node'],
    registers: [registry],
  }).set({ version: VERSION, node: process.versions.node }, 1);
}
