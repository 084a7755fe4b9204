# Exercise 2: find the attack in the audit log.
# ruff: noqa: F821  (bob_app, events, … are the notebook's names)
# Look for who got past the password (password_ok) but then only got codes wrong,
# and for locks on the second factor (the detail says "factor locked for ...").
factor_locks = [e for e in events if e.event == "lockout" and e.detail.startswith("factor")]
first = min(factor_locks, key=lambda e: e.at)
print(first.username, first.when, first.detail)
# alice's lock is the decoy: "password locked" - her password held against a spray.
answer = (first.username, first.when)
