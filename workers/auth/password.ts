import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

// Password hashes are stored in a versioned, self-describing format so that the cost can be
// raised later and old hashes re-hashed at the next sign-in:
//   scrypt$1$N=16384,r=8,p=5$<salt base64url>$<hash base64url>
// scrypt with N=2^14, r=8, p=5 is OWASP's recommended minimum and runs within Workers' limits
// (PBKDF2 through Web Crypto is capped at 100,000 iterations in production).
export const currentPasswordParams = { N: 16384, r: 8, p: 5, keyLength: 32 } as const;
const version = "1";

type ScryptParams = { N: number; r: number; p: number; keyLength: number };

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize("NFKC"),
      salt,
      params.keyLength,
      { N: params.N, r: params.r, p: params.p, maxmem: 64 * 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, currentPasswordParams);
  const { N, r, p } = currentPasswordParams;
  return `scrypt$${version}$N=${N},r=${r},p=${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

function parseHash(stored: string) {
  const match = /^scrypt\$1\$N=(\d+),r=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!match) return null;
  const [, N, r, p, salt, key] = match;
  const expected = Buffer.from(key ?? "", "base64url");
  return {
    params: { N: Number(N), r: Number(r), p: Number(p), keyLength: expected.length },
    salt: Buffer.from(salt ?? "", "base64url"),
    expected,
  };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.expected.length && timingSafeEqual(key, parsed.expected);
}

export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const { N, r, p } = currentPasswordParams;
  return parsed.params.N !== N || parsed.params.r !== r || parsed.params.p !== p;
}

// A constant hash to verify against when the email is unknown, so that response time does not
// reveal whether an account exists.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(24).toString("base64url"));
  return decoyHash;
}
