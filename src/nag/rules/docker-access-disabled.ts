import { AppResources, ResolvedResource } from '../app-resources';
import { RuleCompliance, RuleLevel, StudioRule, Verdict } from '../rule';
import { field, intrinsicOnPath, isIntrinsic, UNRESOLVED } from '../values';

const PATH = ['DomainSettings', 'DockerSettings', 'EnableDockerAccess'];

/**
 * A domain is compliant unless `DomainSettings.DockerSettings.EnableDockerAccess` is
 * `ENABLED` (absent means disabled).
 */
export function dockerAccessDisabled(resource: ResolvedResource, resources: AppResources): Verdict {
  if (resource.type !== 'AWS::SageMaker::Domain') {
    return RuleCompliance.NOT_APPLICABLE;
  }
  const docker = field(resource.properties, ...PATH);
  if (docker === UNRESOLVED || isIntrinsic(docker)) {
    return resources.unknown(PATH.join('.'), intrinsicOnPath(resource.properties, ...PATH));
  }
  return docker === 'ENABLED' ? RuleCompliance.NON_COMPLIANT : RuleCompliance.COMPLIANT;
}

export const DOCKER_ACCESS_DISABLED: StudioRule = {
  id: 'SageMakerStudio-DockerAccessDisabled',
  level: RuleLevel.ERROR,
  info: 'The SageMaker domain lets Studio apps run Docker.',
  explanation: 'Local Docker builds images outside the reviewed image pipeline and can push them to any repository ' +
    'the execution role reaches; the build runs with more privileges than a notebook kernel.',
  fix: "Set DomainSettings.DockerSettings.EnableDockerAccess to 'DISABLED' (or leave it unset); build images in a pipeline.",
  locations: { 'AWS::SageMaker::Domain': 'Properties/DomainSettings/DockerSettings' },
  check: dockerAccessDisabled,
};
