/** The value container/check.sh passes as `-e GREETING=...`. */
export const EXPECTED_GREETING = 'hello from the container check';
