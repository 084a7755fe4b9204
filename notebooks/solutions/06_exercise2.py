# Exercise 2: find the attack in the audit log.
# ruff: noqa: F821  (events is the notebook's)
# Look for who got past the password (password_ok) but then only got codes wrong,
# and for locks on the second factor (the detail says "factor locked for ...").
factor_locks = [e for e in events if e.event == "lockout" and e.detail.startswith("factor")]
first = min(factor_locks, key=lambda e: e.at)
print(first.username, first.when, first.detail)
answer_2 = (first.username, first.when)

# The story the log tells:
# - alice: five wrong passwords two seconds apart, then her password step locked and a sixth
#   guess turned away. Password guessing against one account (a "spray" would try a few
#   passwords on many accounts), and her password held: the decoy.
# - carol: a password_ok at 09:13:20 from someone who then only got codes wrong: her password
#   had leaked. The code guessing locked the factor at 09:13:35 and again at 09:14:08.
# - carol again at 09:21:59: a code_reused four seconds after her own login at 09:21:55.
#   Someone had her current code and used it after her: read off her screen, taken by
#   malware, or a double submit. It was refused because that time step was already used.
#   (A real-time phishing relay would look different: the attacker uses the code first and
#   gets in, and it is carol's own attempt that is refused.)
# The second factor held every time. carol must change her password now, and the lockout
# and code_reused notifications would already have told her something was wrong.
