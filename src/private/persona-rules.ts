import { invalid, isUnresolved } from './validation';

/**
 * Rules on the team and persona names of PersonaRoles, which SecureStudio applies to the
 * same values under its own prop names.
 */

/** A tag value of IAM and SageMaker (Tag in both API references), ASCII only, not empty. */
const TAG_VALUE = /^[A-Za-z0-9 _.:/=+\-@]{1,256}$/;
/** A tag key of IAM and SageMaker; keys starting with 'aws:' are reserved for AWS. */
const TAG_KEY = /^[A-Za-z0-9_.:/=+\-@]{1,128}$/;
/** A persona id of addPersona: PascalCase, so that `<id>Role` and `<id>Policy` read as construct ids. */
export const PERSONA_ID = /^[A-Z][A-Za-z0-9]*$/;

/** Refuses a team that is not a valid tag value; skipped for a token. */
export function checkTeam(construct: string, prop: string, team: string): void {
  if (!isUnresolved(team) && !TAG_VALUE.test(team)) {
    invalid(construct, prop, `'${team}' is not a valid tag value`, '1 to 256 letters, digits, spaces and _ . : / = + - @');
  }
}

/** Refuses a team tag key that is not a valid tag key; skipped for a token. */
export function checkTeamTagKey(construct: string, prop: string, teamTagKey: string): void {
  if (!isUnresolved(teamTagKey) && (!TAG_KEY.test(teamTagKey) || teamTagKey.toLowerCase().startsWith('aws:'))) {
    invalid(construct, prop, `'${teamTagKey}' is not a valid tag key`, "1 to 128 letters, digits and _ . : / = + - @, not starting with 'aws:'");
  }
}

/** IAM's limit on a role's description (CreateRole `Description` in the IAM API reference). */
export const ROLE_DESCRIPTION_MAX_LENGTH = 1000;
