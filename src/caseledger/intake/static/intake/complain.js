// The proof-of-work workers of the vendored ALTCHA widget, from this site (the CSP allows
// no blob: worker): SHA-* keeps tests fast, PBKDF2/* is the default.
const worker = (name) => () => new Worker(new URL(`vendor/altcha-3.2.2/workers/${name}.js`, import.meta.url));
for (const algorithm of ["SHA-256", "SHA-384", "SHA-512"]) {
  globalThis.$altcha.algorithms.set(algorithm, worker("sha"));
}
for (const algorithm of ["PBKDF2/SHA-256", "PBKDF2/SHA-384", "PBKDF2/SHA-512"]) {
  globalThis.$altcha.algorithms.set(algorithm, worker("pbkdf2"));
}
