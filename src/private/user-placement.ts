import { isUnresolved } from './validation';

/**
 * Where a Studio user goes: a pure function of the user's name, so that adding, removing or
 * reordering other users never moves a user to another nested stack (which would replace the
 * profile and cut the user off from the home directory).
 */

/** How many nested stacks the users of a `StudioUsers` are spread over. Changing it moves users. */
export const USER_STACKS = 32;

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * 32-bit FNV-1a hash of the UTF-8 bytes of a text. Written out here rather than taken from a
 * library, because the placement of every deployed user depends on it never changing.
 */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of Buffer.from(text, 'utf-8')) {
    // FNV-1a is defined on 32-bit words: XOR with the byte, multiply modulo 2^32.
    // eslint-disable-next-line no-bitwise
    hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  }
  return hash;
}

/**
 * The nested stack of every user whose name is a token (a parameter, an import): the value is
 * not known at synth time, and the text of a token changes between synths, so it cannot be hashed.
 */
export const TOKEN_NAME_STACK = 0;

/**
 * The index (0 to `stacks` - 1) of the nested stack that holds the user of this profile name.
 * Names are compared without case by SageMaker, so the lower-cased name is hashed.
 */
export function userStackIndex(profileName: string, stacks: number = USER_STACKS): number {
  if (isUnresolved(profileName)) {
    return TOKEN_NAME_STACK;
  }
  return fnv1a32(profileName.toLowerCase()) % stacks;
}
