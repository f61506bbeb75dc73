import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SecureStudio, SecureStudioProps, StudioEgress, StudioPersona } from '../../src';
import { nagErrors } from '../helpers/nag';
import { agnosticStack } from '../helpers/stacks';

function build(props: Partial<SecureStudioProps> = {}, stack: Stack = agnosticStack()) {
  const studio = new SecureStudio(stack, 'Studio', { team: 'fraud', ...props });
  return { stack, studio, template: Template.fromStack(stack) };
}

const FIREWALL = { egress: StudioEgress.FIREWALL_READY, allowedDomains: ['pypi.org', 'files.pythonhosted.org'] };

describe('SecureStudio with the package mirror', () => {
  const { studio, template, stack } = build({ users: [{ name: 'alice', persona: StudioPersona.DATA_SCIENTIST }] });

  test('creates it by default when internet-free, with its endpoints in the network', () => {
    expect(studio.packageMirror).toBeDefined();
    template.resourceCountIs('AWS::CodeArtifact::Domain', 1);
    template.resourceCountIs('AWS::CodeArtifact::Repository', 2);
    for (const service of ['codeartifact.api', 'codeartifact.repositories', 'sts']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
        VpcId: { Ref: Match.stringLikeRegexp('^StudioNetworkVpc') },
      });
    }
  });

  test('the data scientist, MLOps and job roles read it and may not change it; the default role is not granted it', () => {
    const grants = Object.entries(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('^Permissions granted') } }))
      .map(([, policy]: [string, any]) => ({ roles: JSON.stringify(policy.Properties.Roles), sids: policy.Properties.PolicyDocument.Statement.map((s: any) => s.Sid ?? '') }));
    for (const role of ['DataScientistRole', 'MlopsRole', 'JobRole']) {
      const policy = grants.find((grant) => grant.roles.includes(`StudioPersonas${role}`));
      expect(policy?.sids.filter((sid: string) => sid.startsWith('PackageMirror')).map((sid: string) => sid.replace(/[0-9A-F]{8}$/, ''))).toEqual([
        'PackageMirrorToken', 'PackageMirrorRead', 'PackageMirrorDenyConfiguration', 'PackageMirrorDenyPackageChanges', 'PackageMirrorDenyNewGroups',
      ]);
    }
    expect(grants.some((grant) => grant.roles.includes('StudioPersonasDefaultRole'))).toBe(false);
  });

  test('publishing is blocked until MLOps is granted it', () => {
    const pypi = () => (Object.values(Template.fromStack(stack).findResources('AWS::CodeArtifact::PackageGroup'))[0] as any)
      .Properties.OriginConfiguration.Restrictions.Publish.RestrictionMode;
    expect(pypi()).toBe('BLOCK');
  });

  test('JupyterLab and Code Editor log in at every app start (built-in lifecycle configurations)', () => {
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: Match.objectLike({
        JupyterLabAppSettings: Match.objectLike({ BuiltInLifecycleConfigArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('pipjupyterlab'), 'StudioLifecycleConfigArn'] } }),
        CodeEditorAppSettings: Match.objectLike({ BuiltInLifecycleConfigArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('pipcodeeditor'), 'StudioLifecycleConfigArn'] } }),
      }),
    });
  });

  test('passes the four cdk-nag packs', () => {
    expect(nagErrors(stack)).toEqual([]);
  });

  test('grantPublish to MLOps opens publishing to the studio repository', () => {
    const other = agnosticStack();
    const environment = new SecureStudio(other, 'Studio', { team: 'fraud' });
    environment.packageMirror!.grantPublish(environment.personas.mlopsRole);
    const group = (Object.values(Template.fromStack(other).findResources('AWS::CodeArtifact::PackageGroup'))[0] as any);
    expect(group.Properties.OriginConfiguration.Restrictions.Publish.RestrictionMode).toBe('ALLOW_SPECIFIC_REPOSITORIES');
    expect(nagErrors(other)).toEqual([]);
  });
});

describe('turning it off and on', () => {
  test('packageMirror: false leaves it out of an internet-free environment', () => {
    const { studio, template } = build({ packageMirror: false });
    expect(studio.packageMirror).toBeUndefined();
    template.resourceCountIs('AWS::CodeArtifact::Domain', 0);
    template.resourceCountIs('AWS::SageMaker::StudioLifecycleConfig', 0);
  });

  test('off by default with firewall egress, on when asked for', () => {
    const region = () => new Stack(new App(), 'Test', { env: { region: 'eu-west-1' } });
    expect(build(FIREWALL, region()).studio.packageMirror).toBeUndefined();
    const { studio, template } = build({ ...FIREWALL, packageMirror: true }, region());
    expect(studio.packageMirror).toBeDefined();
    template.resourceCountIs('AWS::CodeArtifact::Domain', 1);
  });
});
