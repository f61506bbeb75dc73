import { AppResources, ResolvedResource } from '../app-resources';
import { combine, NotEvaluated, RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { field, intrinsicOnPath, isIntrinsic, UNRESOLVED } from '../values';

const APPS = ['JupyterLabAppSettings', 'CodeEditorAppSettings'];
const IDLE_SETTINGS = ['AppLifecycleManagement', 'IdleSettings'];

/**
 * A domain is compliant when `DefaultUserSettings` turn on idle shutdown
 * (`AppLifecycleManagement.IdleSettings`: `LifecycleManagement` `ENABLED` with an
 * `IdleTimeoutInMinutes`) for both JupyterLab and Code Editor, and `DefaultSpaceSettings`
 * (shared spaces) do not turn it off for JupyterLab. A user profile is non-compliant
 * when its `UserSettings` turn it off for either app, compliant when they turn it on,
 * and not-applicable when they leave it to the domain.
 */
export function idleShutdownEnabled(resource: ResolvedResource, resources: AppResources): Verdict {
  const settings = (...path: string[]) => new IdleSettings(resource.properties, [...path, ...IDLE_SETTINGS], resources);
  switch (resource.type) {
    case 'AWS::SageMaker::Domain':
      return combine([
        ...APPS.map((app) => settings('DefaultUserSettings', app).required()),
        settings('DefaultSpaceSettings', 'JupyterLabAppSettings').notTurnedOff(RuleCompliance.COMPLIANT),
      ]);
    case 'AWS::SageMaker::UserProfile':
      return combine(APPS.map((app) => settings('UserSettings', app).notTurnedOff(RuleCompliance.NOT_APPLICABLE)));
    default:
      return RuleCompliance.NOT_APPLICABLE;
  }
}

/** The `IdleSettings` of one app of the settings at a path. */
class IdleSettings {
  constructor(private readonly properties: unknown, private readonly path: string[], private readonly resources: AppResources) {}

  /** Compliant when idle shutdown is enabled with a timeout; absent is non-compliant. */
  public required(): Verdict {
    const management = this.read('LifecycleManagement');
    if (typeof management !== 'string' && management !== undefined) {
      return management;
    }
    const timeout = field(this.properties, ...this.path, 'IdleTimeoutInMinutes');
    return management === 'ENABLED' && timeout !== undefined && timeout !== UNRESOLVED
      ? RuleCompliance.COMPLIANT
      : RuleCompliance.NON_COMPLIANT;
  }

  /** Non-compliant when idle shutdown is disabled; `whenUnset` when not set. */
  public notTurnedOff(whenUnset: Verdict): Verdict {
    const management = this.read('LifecycleManagement');
    if (typeof management !== 'string' && management !== undefined) {
      return management;
    }
    if (management === undefined) {
      return whenUnset;
    }
    return management === 'DISABLED' ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
  }

  /** The value of a setting, or the not-evaluated verdict when it is only known at deploy time. */
  private read(key: string): string | undefined | NotEvaluated {
    const value = field(this.properties, ...this.path, key);
    if (value === UNRESOLVED || isIntrinsic(value)) {
      return this.resources.unknown([...this.path, key].join('.'), intrinsicOnPath(this.properties, ...this.path, key));
    }
    return value === undefined ? undefined : String(value);
  }
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
