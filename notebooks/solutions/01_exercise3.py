# Exercise 3: several unrelated words (and a number) make a long, unpredictable passphrase:
# accepted by the policy, scored 4/4, and years of work even against a fast hash.
from mfalab import passwords

answer_3 = "marmalade kayak orbit 7"
strength = passwords.estimate(answer_3)
print(passwords.check(answer_3, context=("alice", "MFA Lab")), strength.score,
      strength.crack_times["offline_fast_hashing_1e10_per_second"])
