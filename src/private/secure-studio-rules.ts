/**
 * Rules that SecureStudio applies up front, under its own prop names, to values it passes to
 * the constructs it assembles.
 */

/** A data bucket name of SecureStudio, which names the bucket's construct id (not the S3 bucket). */
export const DATA_BUCKET_NAME = /^[a-z][a-z0-9-]{0,30}$/;
export const DATA_BUCKET_NAME_FORM = 'lower-case letters, digits and hyphens, starting with a letter, at most 31 characters';
