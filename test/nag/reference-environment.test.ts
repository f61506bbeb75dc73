import { App, CfnResource, Validations } from 'aws-cdk-lib';
import { SecureStudioFirewall, SecureStudioIsolated } from '../../examples/app';
import { SageMakerStudioChecks } from '../../src';
import { AppView } from '../../src/nag/app-resources';
import { AppTemplates } from '../../src/nag/app-templates';
import { evaluateRule } from '../../src/nag/evaluation';
import { complianceOf, RuleCompliance } from '../../src/nag/rule';
import { ALL_RULES } from '../../src/nag/rules/all-rules';

/** The reference environment of examples/app.ts, synthesized in a fresh app (without the example's cdk-nag plugins). */
function referenceApp(): App {
  const app = new App();
  new SecureStudioIsolated(app, 'SecureStudioIsolated');
  new SecureStudioFirewall(app, 'SecureStudioFirewall', { env: { region: 'eu-west-1' } });
  app.synth();
  return app;
}

const app = referenceApp();

test('the reference environment has no unacknowledged finding of the SageMakerStudio pack, and nothing it could not evaluate', () => {
  const report = new SageMakerStudioChecks().validateScope(app);
  expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} (${v.severity}) @ ${r.constructPath}`))).toEqual([]);
  expect(report).toEqual({ success: true, violations: [] });
});

test('without acknowledging any of its rules', () => {
  const acknowledged = app.node.findAll().flatMap((c) => c.node.metadata)
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.keys(entry.data));
  expect(acknowledged.length).toBeGreaterThan(0);
  expect(acknowledged.filter((id) => id.includes('SageMakerStudio-'))).toEqual([]);
});

test('and every rule finds a resource of the environment that it checks and passes', () => {
  const resources = app.node.findAll().filter(CfnResource.isCfnResource);
  const view = new AppView(AppTemplates.of(app));
  const passed = ALL_RULES.filter((rule) => resources.some((resource) =>
    rule.locations[resource.cfnResourceType] !== undefined && complianceOf(evaluateRule(rule, resource, view).verdict) === RuleCompliance.COMPLIANT));
  expect(passed.map((rule) => rule.id)).toEqual(ALL_RULES.map((rule) => rule.id));
});
