import { App, CfnParameter, Fn, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as fc from 'fast-check';
import { PersonaNetworkPerimeter, PersonaRoles, PersonaRolesProps } from '../../src';

const ACCOUNT = '111122223333';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const TEAM_PATTERN = /^[A-Za-z0-9 _.:/=+\-@]{1,256}$/;
const PERSONA_PATTERN = /^[A-Z][A-Za-z0-9]*$/;

function stackIn(region?: string): Stack {
  return new Stack(new App(), 'Test', region ? { env: { account: ACCOUNT, region } } : {});
}

let count = 0;
/** PersonaRoles (a new id each time: a construct that threw is still in the tree). */
function personas(props: Partial<PersonaRolesProps>, stack: Stack = stackIn()): PersonaRoles {
  return new PersonaRoles(stack, `Personas${++count}`, { team: 'fraud', ...props } as PersonaRolesProps);
}

const statement = () => new iam.PolicyStatement({ actions: ['sagemaker:ListModels'], resources: ['*'] });

describe('PersonaRoles refuses bad input, naming PersonaRoles, the prop and the allowed form', () => {
  test.each<[string, Partial<PersonaRolesProps>, string]>([
    ['an empty team', { team: '' }, "PersonaRoles team: '' is not a valid tag value; 1 to 256 letters, digits, spaces and _ . : / = + - @"],
    ['a team tag key of AWS', { teamTagKey: 'aws:team' },
      "PersonaRoles teamTagKey: 'aws:team' is not a valid tag key; 1 to 128 letters, digits and _ . : / = + - @, not starting with 'aws:'"],
    ['a network perimeter that is no PersonaNetworkPerimeter', { networkPerimeter: 'ENFORCE' as unknown as PersonaNetworkPerimeter },
      "PersonaRoles networkPerimeter: 'ENFORCE' is not one of the choices; PersonaNetworkPerimeter.OFF or PersonaNetworkPerimeter.ENFORCE"],
    ['a network perimeter given as an object', { networkPerimeter: { enforced: 'yes' } as unknown as PersonaNetworkPerimeter },
      'PersonaRoles networkPerimeter: {"enforced":"yes"} is not one of the choices'],
    ['an SSM path without a trailing slash', { ssmParameterPath: '/sagemaker' },
      "PersonaRoles ssmParameterPath: '/sagemaker' is not a parameter path; a path starting and ending with '/', e.g. '/sagemaker/'"],
  ])('%s', (_name, props, message) => {
    expect(() => personas(props)).toThrow(message);
  });

  test.each(['volumeEncryptionKey', 'outputEncryptionKey'] as const)('a %s of another region or partition', (prop) => {
    const stack = stackIn('eu-west-1');
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`);
    expect(() => personas({ [prop]: foreign }, stack)).toThrow(
      `PersonaRoles ${prop}: 'arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}' is in us-east-1 but the stack deploys to eu-west-1; an ARN of eu-west-1`);
    const china = kms.Key.fromKeyArn(stack, 'China', `arn:aws-cn:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}`);
    expect(() => personas({ [prop]: china }, stack)).toThrow(`PersonaRoles ${prop}: 'arn:aws-cn:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}' is in partition aws-cn`);
  });

  test('addPersona: an id that is no PascalCase name, or one in use', () => {
    const roles = personas({});
    roles.addPersona('Analyst', { statements: [statement()] });
    expect(() => roles.addPersona('analyst', { statements: [statement()] })).toThrow(
      "PersonaRoles addPersona: 'analyst' is not a new persona id; a PascalCase name not used yet, e.g. 'Analyst'");
    expect(() => roles.addPersona('Analyst', { statements: [statement()] })).toThrow("PersonaRoles addPersona: 'Analyst' is not a new persona id");
  });
});

test('addPersona: a description longer than IAM takes once the team is appended', () => {
  const roles = personas({ team: 'fraud' });
  expect(() => roles.addPersona('Analyst', { statements: [statement()], description: 'd'.repeat(987) })).toThrow(
    "PersonaRoles addPersona: the description of persona 'Analyst' has 987 characters; at most 986, as the role's description ends with ' of team fraud' and IAM takes 1000");
  roles.addPersona('Auditor', { statements: [statement()], description: 'd'.repeat(986) });
  Template.fromStack(Stack.of(roles)).hasResourceProperties('AWS::IAM::Role', { Description: `${'d'.repeat(986)} of team fraud` });
});

describe('PersonaRoles name rules, property-based', () => {
  test('team: a tag value of 1 to 256 characters', () => {
    fc.assert(fc.property(fc.stringMatching(TEAM_PATTERN), (team) => {
      // ssmParameterPath is checked after the team: its error proves the team passed.
      expect(() => personas({ team, ssmParameterPath: 'x' })).toThrow('PersonaRoles ssmParameterPath');
    }));
    fc.assert(fc.property(fc.string({ maxLength: 300 }).filter((team) => !TEAM_PATTERN.test(team)), (team) => {
      expect(() => personas({ team })).toThrow(`PersonaRoles team: '${team}' is not a valid tag value`);
    }));
  });

  test('persona ids: PascalCase letters and digits', () => {
    const roles = personas({});
    fc.assert(fc.property(fc.stringMatching(PERSONA_PATTERN), (id) => {
      // The statements are checked after the id: their error proves the id passed.
      expect(() => roles.addPersona(id, { statements: [] })).toThrow(`PersonaRoles addPersona: persona '${id}' has no statements`);
    }));
    fc.assert(fc.property(fc.string({ maxLength: 30 }).filter((id) => !PERSONA_PATTERN.test(id)), (id) => {
      expect(() => roles.addPersona(id, { statements: [statement()] })).toThrow(`PersonaRoles addPersona: '${id}' is not a new persona id`);
    }));
  });
});

describe('PersonaRoles valid edge cases synthesize', () => {
  test('tokens: team, tag key, SSM path, keys and persona ids; a token persona is numbered, a literal one keeps its ids', () => {
    const stack = stackIn('eu-west-1');
    const roles = personas({
      team: new CfnParameter(stack, 'Team').valueAsString,
      teamTagKey: Lazy.string({ produce: () => 'cost-center' }),
      ssmParameterPath: Fn.importValue('SsmPath'),
      volumeEncryptionKey: kms.Key.fromKeyArn(stack, 'Volume', Fn.importValue('VolumeKeyArn')),
      outputEncryptionKey: kms.Key.fromKeyArn(stack, 'Output', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}`),
    }, stack);
    roles.addPersona(new CfnParameter(stack, 'PersonaName').valueAsString, { statements: [statement()] });
    roles.addPersona('Analyst', { statements: [statement()] });
    roles.addPersona(Fn.importValue('OtherPersona'), { statements: [statement()] });
    expect(roles.node.tryFindChild('Persona1Role')).toBeDefined();
    expect(roles.node.tryFindChild('Persona2Policy')).toBeDefined();
    expect(roles.node.tryFindChild('AnalystRole')).toBeDefined();
    const template = Template.fromStack(stack);
    const descriptions = Object.values(template.findResources('AWS::IAM::Role')).map((role) => JSON.stringify(role.Properties.Description));
    expect(descriptions.filter((description) => description.includes('{"Ref":"PersonaName"}'))).toHaveLength(1);
    template.resourceCountIs('AWS::IAM::Role', 7);
  });

  test('a team of 256 characters, a tag key of 128', () => {
    const stack = stackIn();
    personas({ team: 't'.repeat(256), teamTagKey: 'k'.repeat(128) }, stack);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 4);
  });
});
