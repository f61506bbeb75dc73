import { CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { StudioDomain } from './studio-domain';
import { StudioUserProfile, StudioUserProfileOptions } from './studio-user-profile';
import { checkSageMakerName } from '../private/studio-validation';
import { USER_STACKS, userStackIndex } from '../private/user-placement';

const NAME = 'StudioUsers';
/** CloudFormation's limit of resources per stack (a hard limit), nested stacks included. */
const MAX_STACK_RESOURCES = 500;

/**
 * Properties of a StudioUsers.
 */
export interface StudioUsersProps {
  /** The domain the user profiles belong to. */
  readonly domain: StudioDomain;
}

/**
 * The user profiles of a StudioDomain, spread over up to 32 nested stacks so that the stack
 * of the domain holds none of them: each user costs two resources (the profile and, with
 * `ownSecurityGroup`, its security group) and one per private space (`privateSpaces`) in a
 * nested stack, and a nested stack costs one in the parent. A user's nested stack is chosen by a hash of the lower-cased profile name
 * alone (FNV-1a, modulo 32), so adding, removing or reordering other users never moves a
 * user to another nested stack, which would replace the profile. A nested stack is created
 * when its first user is added. A user whose name is a token (a parameter, an import) goes to
 * the first nested stack (`Stack00`), whatever its value. See docs/decisions/060-users-at-scale.md.
 *
 * @example
 * declare const domain: StudioDomain;
 * declare const personas: PersonaRoles;
 * const users = new StudioUsers(this, 'Users', { domain });
 * for (const name of ['alice', 'bob']) {
 *   users.addUser(name, { executionRole: personas.dataScientistRole, team: 'fraud', ownSecurityGroup: true });
 * }
 */
export class StudioUsers extends Construct {
  /** How many nested stacks the users are spread over. */
  public static readonly NESTED_STACKS = USER_STACKS;

  /** The profiles added, in the order they were added. */
  public readonly profiles: StudioUserProfile[] = [];

  private readonly domain: StudioDomain;
  private readonly stacks = new Map<number, NestedStack>();

  constructor(scope: Construct, id: string, props: StudioUsersProps) {
    super(scope, id);
    this.domain = props.domain;
    Stack.of(this); // a nested stack needs a stack above it: fail here, not at the first user
    this.node.addValidation({ validate: () => this.validateStackSizes() });
  }

  /** The nested stacks created so far, in the order of their index. */
  public get nestedStacks(): NestedStack[] {
    return [...this.stacks.entries()].sort(([a], [b]) => a - b).map(([, stack]) => stack);
  }

  /**
   * Adds a user profile to the domain, in the nested stack that the profile name selects.
   * The options are those of `StudioDomain.addUserProfile`.
   */
  public addUser(name: string, options: StudioUserProfileOptions = {}): StudioUserProfile {
    // Before stackOf, which would create a nested stack for a name the domain then refuses.
    checkSageMakerName(NAME, 'addUser', name);
    const profile = this.domain._addUserProfile(this.stackOf(name), name, options);
    this.profiles.push(profile);
    return profile;
  }

  /**
   * The nested stack that holds (or will hold) the user of this profile name; `Stack00` for a
   * name that is a token.
   */
  public stackOf(name: string): NestedStack {
    const index = userStackIndex(name, USER_STACKS);
    let stack = this.stacks.get(index);
    if (!stack) {
      const label = String(index).padStart(2, '0');
      stack = new NestedStack(this, `Stack${label}`, {
        description: `SageMaker Studio user profiles of ${this.node.path}, group ${label} of ${USER_STACKS} (by a hash of the profile name)`,
      });
      this.stacks.set(index, stack);
    }
    return stack;
  }

  private validateStackSizes(): string[] {
    return this.nestedStacks.flatMap((stack) => {
      const resources = stack.node.findAll().filter((c: IConstruct) => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
      const users = this.profiles.filter((profile) => Stack.of(profile) === stack).length;
      return resources <= MAX_STACK_RESOURCES ? [] : [
        `${NAME} addUser: nested stack ${stack.node.id} would hold ${resources} resources for ${users} users, ` +
        `over CloudFormation's ${MAX_STACK_RESOURCES}; the users of one domain are spread over ${USER_STACKS} nested stacks ` +
        `by name, about ${Math.floor(MAX_STACK_RESOURCES * users / resources)} users each at ${+(resources / users).toFixed(2)} resources per user ` +
        '(2 with ownSecurityGroup, 1 more per private space): give some of the users a second domain',
      ];
    });
  }
}
