# Exercise 3: several unrelated words (and a number) make a long, unpredictable passphrase.
from mfalab import passwords

answer = "marmalade kayak orbit 7"
print(passwords.check(answer, context=("alice", "MFA Lab")), passwords.estimate(answer).score)
