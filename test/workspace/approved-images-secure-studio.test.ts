import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SecureStudio, SecureStudioProps, StudioAppType, StudioPersona } from '../../src';
import { nagErrors } from '../helpers/nag';
import { agnosticStack } from '../helpers/stacks';

function build(props: Partial<SecureStudioProps> = {}, stack: Stack = agnosticStack()) {
  const studio = new SecureStudio(stack, 'Studio', { team: 'fraud', users: [{ name: 'alice', persona: StudioPersona.DATA_SCIENTIST }], ...props });
  return { stack, studio };
}

describe('SecureStudio with customImages', () => {
  const { stack, studio } = build({ customImages: true });
  studio.imageCatalog!.addImage('fraud-pytorch', { tag: '2024.06.1', appTypes: [StudioAppType.JUPYTER_LAB, StudioAppType.CODE_EDITOR] });
  const template = Template.fromStack(stack);

  test('creates the catalog, whose images the domain offers', () => {
    template.resourceCountIs('AWS::ECR::Repository', 1);
    template.resourceCountIs('AWS::SageMaker::Image', 1);
    template.resourceCountIs('AWS::SageMaker::AppImageConfig', 2);
    template.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: {
        JupyterLabAppSettings: { CustomImages: [Match.objectLike({ ImageName: 'fraud-pytorch' })] },
        CodeEditorAppSettings: { CustomImages: [Match.objectLike({ ImageName: 'fraud-pytorch' })] },
      },
      DomainSettings: { DockerSettings: { EnableDockerAccess: 'DISABLED' } },
    });
  });

  test('images and app image configs carry the team tag, so that the personas may describe them', () => {
    for (const type of ['AWS::SageMaker::Image', 'AWS::SageMaker::AppImageConfig']) {
      template.allResourcesProperties(type, { Tags: Match.arrayWith([{ Key: 'team', Value: 'fraud' }]) });
    }
  });

  test('the default, data scientist and MLOps roles pull the approved images and no other of the account; the job role is not held', () => {
    const holding = Object.values<any>(template.findResources('AWS::IAM::ManagedPolicy'))
      .filter((policy) => JSON.stringify(policy.Properties.PolicyDocument).includes('DenyImagePullsOutsideApprovedRepositories'))
      .flatMap((policy) => policy.Properties.Roles.map((role: { Ref: string }) => role.Ref));
    expect(holding.map((id: string) => id.replace(/[0-9A-F]{8}$/, '')).sort())
      .toEqual(['StudioPersonasDataScientistRole', 'StudioPersonasDefaultRole', 'StudioPersonasMlopsRole']);
  });

  test('Studio reaches the images without internet: ECR API and Docker endpoints, and the ECR layer bucket on the S3 endpoint', () => {
    for (const service of ['ecr.api', 'ecr.dkr']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
        PrivateDnsEnabled: true,
      });
    }
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowEcrImageLayersOfThisRegion',
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::prod-', { Ref: 'AWS::Region' }, '-starport-layer-bucket/*']] },
        })]),
      },
    });
  });

  test('passes the four cdk-nag packs', () => {
    expect(nagErrors(stack)).toEqual([]);
  });
});

describe('SecureStudio with Docker access for a trusted account', () => {
  test('turns Docker on for the domain, trusting that account', () => {
    const { stack } = build({ dockerAccess: { trustedAccounts: ['123456789012'] } });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Domain', {
      DomainSettings: { DockerSettings: { EnableDockerAccess: 'ENABLED', VpcOnlyTrustedAccounts: ['123456789012'] } },
    });
  });
});

describe('SecureStudio without the options', () => {
  test('no repository, no SageMaker image, no pull restriction, Docker off', () => {
    const { stack, studio } = build();
    const template = Template.fromStack(stack);
    expect(studio.imageCatalog).toBeUndefined();
    for (const type of ['AWS::ECR::Repository', 'AWS::SageMaker::Image', 'AWS::SageMaker::ImageVersion', 'AWS::SageMaker::AppImageConfig']) {
      template.resourceCountIs(type, 0);
    }
    expect(JSON.stringify(template.toJSON())).not.toContain('DenyImagePullsOutsideApprovedRepositories');
    template.hasResourceProperties('AWS::SageMaker::Domain', { DomainSettings: { DockerSettings: { EnableDockerAccess: 'DISABLED' } } });
  });
});
