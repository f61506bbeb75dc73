import { CfnResource } from 'aws-cdk-lib';
import { combine, RuleCompliance, RuleLevel, StudioRule } from '../rule';
import { resolveResource } from '../stack-resources';
import { field, isIntrinsic, UNRESOLVED } from '../values';

const APPS = ['JupyterLabAppSettings', 'CodeEditorAppSettings'];

/**
 * A domain is compliant when `DefaultUserSettings` turn on idle shutdown
 * (`AppLifecycleManagement.IdleSettings`: `LifecycleManagement` `ENABLED` with an
 * `IdleTimeoutInMinutes`) for both JupyterLab and Code Editor, and `DefaultSpaceSettings`
 * (shared spaces) do not turn it off for JupyterLab. A user profile is non-compliant
 * when its `UserSettings` turn it off for either app, compliant when they turn it on,
 * and not-applicable when they leave it to the domain.
 */
export function idleShutdownEnabled(resource: CfnResource): RuleCompliance {
  const properties = resolveResource(resource)?.properties;
  switch (resource.cfnResourceType) {
    case 'AWS::SageMaker::Domain':
      return combine([
        ...APPS.map((app) => requiredIdleShutdown(field(properties, 'DefaultUserSettings', app, 'AppLifecycleManagement', 'IdleSettings'))),
        notTurnedOff(field(properties, 'DefaultSpaceSettings', 'JupyterLabAppSettings', 'AppLifecycleManagement', 'IdleSettings'), RuleCompliance.COMPLIANT),
      ]);
    case 'AWS::SageMaker::UserProfile':
      return combine(APPS.map((app) =>
        notTurnedOff(field(properties, 'UserSettings', app, 'AppLifecycleManagement', 'IdleSettings'), RuleCompliance.NOT_APPLICABLE)));
    default:
      return RuleCompliance.NOT_APPLICABLE;
  }
}

function requiredIdleShutdown(idle: unknown): RuleCompliance {
  const management = field(idle, 'LifecycleManagement');
  const timeout = field(idle, 'IdleTimeoutInMinutes');
  if (management === UNRESOLVED || isIntrinsic(management)) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  return management === 'ENABLED' && timeout !== undefined && timeout !== UNRESOLVED
    ? RuleCompliance.COMPLIANT
    : RuleCompliance.NON_COMPLIANT;
}

function notTurnedOff(idle: unknown, whenUnset: RuleCompliance): RuleCompliance {
  const management = field(idle, 'LifecycleManagement');
  if (management === UNRESOLVED || isIntrinsic(management)) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  if (management === undefined) {
    return whenUnset;
  }
  return management === 'DISABLED' ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
}

export const IDLE_SHUTDOWN_ENABLED: StudioRule = {
  id: 'SageMakerStudio-IdleShutdownEnabled',
  level: RuleLevel.WARNING,
  info: 'JupyterLab or Code Editor apps are not shut down when idle.',
  explanation: 'Forgotten apps keep running with the execution role\'s credentials and their instance, which is ' +
    'standing access and standing cost; idle shutdown ends both.',
  fix: "Set AppLifecycleManagement.IdleSettings (LifecycleManagement 'ENABLED' and IdleTimeoutInMinutes) in the " +
    'JupyterLabAppSettings and CodeEditorAppSettings of DefaultUserSettings, and do not disable it in DefaultSpaceSettings or UserSettings.',
  locations: {
    'AWS::SageMaker::Domain': 'Properties/DefaultUserSettings',
    'AWS::SageMaker::UserProfile': 'Properties/UserSettings',
  },
  check: idleShutdownEnabled,
};
