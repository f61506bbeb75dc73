import { AppResources, ResolvedResource } from '../app-resources';
import { RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { field, intrinsicOnPath, isIntrinsic, UNRESOLVED } from '../values';

/**
 * A domain (`DefaultUserSettings`) or user profile (`UserSettings`) is compliant when
 * notebook output sharing is disabled, or allowed with `S3KmsKeyId` set. Without
 * `SharingSettings` a domain does not allow sharing (SageMaker's default); a profile
 * without it inherits the domain's (not-applicable).
 */
export function notebookSharingEncrypted(resource: ResolvedResource, resources: AppResources): Verdict {
  const settingsKey = { 'AWS::SageMaker::Domain': 'DefaultUserSettings', 'AWS::SageMaker::UserProfile': 'UserSettings' }[resource.type];
  if (settingsKey === undefined) {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const sharing = field(resource.properties, settingsKey, 'SharingSettings');
  if (sharing === undefined) {
    return resource.type === 'AWS::SageMaker::Domain' ? RuleCompliance.COMPLIANT : RuleCompliance.NOT_APPLICABLE;
  }
  const option = field(sharing, 'NotebookOutputOption');
  if (option === UNRESOLVED || isIntrinsic(option)) {
    return resources.unknown(`${settingsKey}.SharingSettings.NotebookOutputOption`, intrinsicOnPath(resource.properties, settingsKey, 'SharingSettings', 'NotebookOutputOption'));
  }
  if (option === undefined || option === 'Disabled') {
    return RuleCompliance.COMPLIANT;
  }
  const key = field(sharing, 'S3KmsKeyId');
  return key !== undefined && key !== '' ? RuleCompliance.COMPLIANT : RuleCompliance.NON_COMPLIANT;
}

export const NOTEBOOK_SHARING_ENCRYPTED: StudioRule = {
  id: 'SageMakerStudio-NotebookSharingEncrypted',
  level: RuleLevel.ERROR,
  info: 'Notebook output sharing is allowed without a KMS key for the shared snapshots.',
  explanation: 'Shared notebooks include cell outputs, which often hold samples of the data; the snapshots land in S3 ' +
    'and should be encrypted with a key whose policy the environment controls.',
  fix: "Set SharingSettings.NotebookOutputOption to 'Disabled', or set SharingSettings.S3KmsKeyId to a customer-managed key.",
  locations: {
    'AWS::SageMaker::Domain': 'Properties/DefaultUserSettings/SharingSettings',
    'AWS::SageMaker::UserProfile': 'Properties/UserSettings/SharingSettings',
  },
  check: notebookSharingEncrypted,
};
