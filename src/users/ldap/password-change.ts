/**
 * The two ways a password is written: the Password Modify extended operation (RFC 3062), whose
 * request value is a small BER sequence, and Active Directory's `unicodePwd` (the password in
 * double quotes, UTF-16LE: MS-ADTS §3.1.1.3.1.5.2), which the directory hashes itself.
 */

/** RFC 3062 §2: passwdModifyOID. */
export const PASSWORD_MODIFY_OID = '1.3.6.1.4.1.4203.1.11.1';

/**
 * PasswdModifyRequestValue ::= SEQUENCE { userIdentity [0] OCTET STRING OPTIONAL,
 *   oldPasswd [1] OCTET STRING OPTIONAL, newPasswd [2] OCTET STRING OPTIONAL }
 * The service account changes the password, so oldPasswd is left out.
 */
export function passwordModifyRequestValue(userDn: string, newPassword: string): Buffer {
  const body = Buffer.concat([tlv(0x80, Buffer.from(userDn, 'utf8')), tlv(0x82, Buffer.from(newPassword, 'utf8'))]);
  return tlv(0x30, body);
}

/** The bytes themselves: ldapts writes a Buffer value as is (a string would go out as UTF-8). */
export function unicodePwdValue(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

/** X.690 §8.1: tag, definite length (short form below 128, long form above), contents. */
function tlv(tag: number, contents: Buffer): Buffer {
  const length = contents.length;
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), contents]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), contents]);
}
