"""What the public form's proof of work costs, and whom (issue 13).

    .venv/bin/python bench/pow.py [--rounds N] [--algorithm A --cost C --prefix P]

Creates challenges as `/complain/challenge/` does (ALTCHA PoW v2 through the `altcha`
package, the settings' defaults: PBKDF2/SHA-256, cost 5000, prefix "00") and measures:

* the server's verification of one solution (what every filing costs the site);
* a native solver's time per challenge (the `altcha` package's solver: hashlib, C), what a
  script costs itself per filing.

The browser's time (the vendored widget in Chromium, Web Crypto in workers) is measured by
driving the form; docs/benchmarks.md records both. Judged by: verification < 10 ms (a flood
of forged payloads costs the site little); the browser's median < 3 s (a person barely
waits).
"""

from __future__ import annotations

import argparse
import statistics
import time

import altcha


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--algorithm", default="PBKDF2/SHA-256")
    parser.add_argument("--cost", type=int, default=5000)
    parser.add_argument("--prefix", default="00")
    args = parser.parse_args()
    secret = b"bench-secret-0123456789abcdef012"
    solve, verify = [], []
    for _ in range(args.rounds):
        challenge = altcha.create_challenge(
            algorithm=args.algorithm, cost=args.cost, key_prefix=args.prefix, hmac_secret=secret
        )
        start = time.perf_counter()
        solution = altcha.solve_challenge(challenge, timeout=300)
        solve.append(time.perf_counter() - start)
        assert solution is not None
        payload = altcha.Payload(challenge, solution).to_base64()
        start = time.perf_counter()
        assert altcha.verify_solution(payload, secret).verified
        verify.append(time.perf_counter() - start)
    print(f"{args.algorithm} cost {args.cost} prefix {args.prefix!r}, {args.rounds} rounds")
    print(
        f"native solve: median {statistics.median(solve):.2f} s, "
        f"mean {statistics.mean(solve):.2f} s, max {max(solve):.2f} s"
    )
    print(f"server verify: median {statistics.median(verify) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
